import Dosimetry
import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import Logging
import TLSimulator
import Testing
@testable import LabWorkflow

/// Evaluation as a resumable step, readings attributed to the lab's issues, the review policy on
/// every evaluation, release and the customer's result list: at store and workflow level, on the
/// simulated reader in process.
@Suite("Evaluation of returned cards", .serialized)
struct EvaluationTests {
    static func cardID(_ prefix: Int, _ serial: Int) -> String {
        let s = String(serial)
        let body = "\(prefix)" + String(repeating: "0", count: max(0, 6 - s.count)) + s
        return body + String(TLSimulator.CardID.luhnCheckDigit(body))
    }

    /// A lab with one customer: whole-body cards for Jensen (0.4 mSv), Nielsen (14.2 mSv: above the
    /// report level), a finger card for Hansen, a neutron card for Berg, all returned and inspected,
    /// and a card in stock that nobody returned.
    struct Lab {
        let store: SQLiteLabStore
        let protector: NationalIDProtector
        var cards: [String: String] = [:]  // wearer → card
        let stray = EvaluationTests.cardID(1, 99)

        init() throws {
            store = try SQLiteLabStore.inMemory(logger: quietLogger)
            protector = try NationalIDProtector(masterKey: Data(repeating: 0x22, count: 32))
            _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
            let types: [(String, String, DosimeterType, PeriodLength)] = [
                ("Jensen, Mette", "010180-1111", .wholeBody, .threeMonths), ("Nielsen, Peter", "050565-5555", .wholeBody, .threeMonths),
                ("Hansen, Kirsten", "060670-6666", .finger, .oneMonth), ("Berg, Bo", "040490-4444", .neutron, .threeMonths),
            ]
            var stock: [Card] = [Card(id: stray, dosimeterType: .wholeBody, stateChangedAt: Date())]
            var requests: [IssueRequest] = []
            for (i, (name, cpr, type, length)) in types.enumerated() {
                let card = EvaluationTests.cardID(1, i + 1)
                stock.append(Card(id: card, dosimeterType: type, stateChangedAt: Date()))
                cards[name] = card
                let w = try store.addWearer(customerID: "K-1", name: name, nationalID: try protector.protect(cpr))
                let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: "K-1", dosimeterType: type, periodLength: length,
                                                  startDate: day("2026-07-15"), orderedOn: day("2026-06-20")))
                requests.append(IssueRequest(cardID: card, enrolmentID: e.id!, periodStart: day("2026-10-01"), periodEnd: day("2026-10-31")))
            }
            try store.addCards(stock)
            _ = try store.issueCards(requests, customerID: "K-1", dispatchedOn: day("2026-09-20"))
            var station = try IntakeStation.open(store: store, customerID: "K-1", arrivedOn: day("2026-11-03"), logger: quietLogger)
            for card in cards.values.sorted() { _ = try station.scan(card) }
            _ = try station.close()
            for card in cards.values.sorted() {
                _ = try store.saveInspection(CardInspection(cardID: card, issueID: nil, stage: .arrival, outcome: .fit, damages: [],
                                                            remark: "", inspectedBy: "tech", inspectedAt: Date()))
            }
        }

        /// The magazine: calibration and control dosimeters, the returned cards with true doses, and the stray card.
        func scenario(calibration: Bool = true) -> Scenario {
            var list: [ScenarioCard] = []
            if calibration {
                list += [EvaluationTests.cardID(9, 1), EvaluationTests.cardID(9, 2), EvaluationTests.cardID(9, 3)].map {
                    ScenarioCard(id: $0, role: .calibration, hp10MilliSievert: 2, hp007MilliSievert: 2, quality: "S-Cs", daysSinceAnneal: 16)
                }
            }
            list += [EvaluationTests.cardID(8, 1), EvaluationTests.cardID(8, 2)].map {
                ScenarioCard(id: $0, role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0, quality: "S-Cs", daysSinceAnneal: 40)
            }
            let doses = ["Jensen, Mette": 0.4, "Nielsen, Peter": 14.2, "Hansen, Kirsten": 3.0, "Berg, Bo": 0.5]
            for (name, card) in cards.sorted(by: { $0.value < $1.value }) {
                let h = doses[name] ?? 0
                list.append(ScenarioCard(id: card, role: .worker, hp10MilliSievert: h, hp007MilliSievert: h, quality: "S-Cs", daysSinceAnneal: 40))
            }
            list.append(ScenarioCard(id: stray, role: .worker, hp10MilliSievert: 0.3, hp007MilliSievert: 0.3, quality: "S-Cs", daysSinceAnneal: 40))
            return Scenario(seed: 11, reader: ReaderDescription(model: "TLR-6600S", serial: "TL00042", firmware: "1.4.2"),
                            elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: list)
        }

        /// Reads the scenario with the readout job; the manifest gives only the lab's own dosimeters.
        func read(_ scenario: Scenario, group: String) async throws -> ReadoutJob.Outcome {
            let link = MemoryLink()
            let device = try Facility.reader(scenario)
            let serving = Task { await device.serve(on: link.device) }
            let manifest = Facility.cards(scenario).filter { $0.role != .worker }.map { $0.shipmentCard(readAt: Date()) }
            let result = try await ReadoutJob(store: store, logger: quietLogger)
                .run(reader: TLReader(transport: link.host, logger: quietLogger), manifest: manifest, groupID: group)
            await link.cut()
            await serving.value
            guard case let .read(outcome) = result else { throw WorkflowError.batchNotFound(group) }
            return outcome
        }
    }

    @Test("readings attributed to their issues; unexpected card held; report level, finger and neutron routed; release and result list")
    func returnedCardsThroughToTheResultList() async throws {
        let lab = try Lab()
        let outcome = try await lab.read(lab.scenario(), group: "R1")
        let batch = try #require(outcome.batch.id)
        #expect(try lab.store.batchEvaluation(id: batch) == .evaluated)
        let manifest = Dictionary(uniqueKeysWithValues: try lab.store.manifest(batch: batch).map { ($0.cardID, $0) })
        for card in lab.cards.values { #expect(manifest[card]?.issueID != nil && manifest[card]?.unexpected == false) }
        #expect(manifest[lab.stray]?.unexpected == true && manifest[lab.stray]?.issueID == nil)
        let doses = Dictionary(uniqueKeysWithValues: try lab.store.currentDoses(batch: batch).map { ($0.cardID, $0) })
        func reasons(_ card: String) throws -> [ReviewReason] {
            try lab.store.reviewReasons(dose: #require(doses[card]?.id)).map(\.reason)
        }
        // Jensen: 0.4 mSv, below every level: evaluated.
        let jensen = try #require(doses[lab.cards["Jensen, Mette"]!])
        #expect(jensen.state == .evaluated && abs((jensen.hp10MilliSievert ?? 0) / 0.4 - 1) < 0.2)
        // Nielsen: 14.2 mSv > 10 mSv report level.
        #expect(try reasons(lab.cards["Nielsen, Peter"]!) == [.aboveReportLevel])
        #expect(doses[lab.cards["Nielsen, Peter"]!]?.state == .needsReview)
        // Finger: Hp(0.07) only; 3 mSv above the 1 mSv review level.
        let finger = try #require(doses[lab.cards["Hansen, Kirsten"]!])
        #expect(finger.hp10MilliSievert == nil && abs((finger.hp007MilliSievert ?? 0) / 3 - 1) < 0.2)
        #expect(try reasons(lab.cards["Hansen, Kirsten"]!) == [.aboveReviewLevel])
        // Neutron: no photon dose, to review.
        let neutron = try #require(doses[lab.cards["Berg, Bo"]!])
        #expect(neutron.hp10MilliSievert == nil && neutron.hp007MilliSievert == nil && neutron.state == .needsReview)
        #expect(try reasons(lab.cards["Berg, Bo"]!).contains(.neutronNotEvaluated))
        // The stray card: read, stored, held.
        #expect(try reasons(lab.stray).contains(.unexpectedCard))
        // The issues point at the batch; inspected cards are read.
        #expect(try lab.store.card(id: lab.cards["Jensen, Mette"]!)?.state == .read)

        // Release: only the unflagged dose; the result list is a DRAFT with the others pending.
        let review = DoseReview(store: lab.store, logger: quietLogger)
        let released = Set(try review.releaseUnflagged(batch: batch))
        // Jensen's dose and the lab's own calibration and control dosimeters; none of the routed doses.
        #expect(released.contains(lab.cards["Jensen, Mette"]!) && released.count == 6)
        #expect(released.isDisjoint(with: ["Nielsen, Peter", "Hansen, Kirsten", "Berg, Bo"].map { lab.cards[$0]! } + [lab.stray]))
        #expect(try lab.store.markReleasedCards() == [lab.cards["Jensen, Mette"]!])
        let builder = ReportBuilder(store: lab.store, protector: lab.protector)
        var list = try builder.resultList(customerID: "K-1", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2026-11-10"))
        #expect(list.isDraft && list.text().hasPrefix("DRAFT"))
        #expect(list.rows.first { $0.wearerName == "Nielsen, Peter" }?.status == "pending")
        #expect(list.rows.first { $0.wearerName == "Nielsen, Peter" }?.hp10MilliSievert == nil)
        // The physicist decides the rest: the list is final, finger reports Hp(0.07) only.
        for name in ["Nielsen, Peter", "Hansen, Kirsten"] {
            _ = try review.accept(doseID: #require(doses[lab.cards[name]!]?.id), who: "Dr. P", why: "curves normal")
        }
        _ = try review.correct(doseID: #require(neutron.id), hp10MilliSievert: 0.6, hp007MilliSievert: nil, who: "Dr. P", why: "neutron evaluation by hand")
        list = try builder.resultList(customerID: "K-1", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2026-11-10"))
        #expect(!list.isDraft)
        #expect(list.rows.allSatisfy { $0.status == "released" })
        let hansen = try #require(list.rows.first { $0.wearerName == "Hansen, Kirsten" })
        #expect(hansen.hp10MilliSievert == nil && hansen.hp007MilliSievert != nil)
        #expect(list.csv().hasPrefix("customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,sums_year,"))
    }

    @Test("a batch without calibration: every card gets the reason, nothing silently missing; tld evaluate finishes it once calibration exists")
    func noCalibrationThenLater() async throws {
        let lab = try Lab()
        let outcome = try await lab.read(lab.scenario(calibration: false), group: "NOCAL")
        let batch = try #require(outcome.batch.id)
        #expect(try lab.store.currentDoses(batch: batch).isEmpty)
        let missing = try lab.store.notEvaluatedCards(batch: batch)
        #expect(missing.count == 7 && missing.allSatisfy { $0.reason == .noCalibration })
        #expect(try lab.store.batchEvaluation(id: batch) == .evaluated)
        #expect(PendingEvaluations.describe(try PendingEvaluations(store: lab.store, logger: quietLogger).outstanding()).count == 7)

        // A calibration of the reader arrives: evaluating the batch again gives every card its dose.
        let b = try #require(try lab.store.batch(id: batch))
        for (role, k) in [(ElementRole.shallow, 7.0e4), (.deep, 7.0e4), (.filteredLight, 7.0e4), (.filteredHeavy, 7.0e4)] {
            _ = try lab.store.saveCalibration(CalibrationRecord(
                kind: .countsPerMilliSievert(role), subject: b.readerSerial, value: k, unit: "counts/mSv",
                validFrom: b.createdAt.addingTimeInterval(-3600), source: "test certificate"))
        }
        let reports = try PendingEvaluations(store: lab.store, logger: quietLogger).finish(batch: batch)
        #expect(reports.first?.notEvaluated.isEmpty == true)
        #expect(try lab.store.currentDoses(batch: batch).count == 7)
        #expect(try lab.store.notEvaluatedCards(batch: batch).isEmpty)
    }

    @Test("a card with every element lost gets 'no stored element'; the other cards are evaluated")
    func cardWithoutStoredElement() async throws {
        let lab = try Lab()
        let first = try await lab.read(lab.scenario(), group: "R1").batch
        // A second batch of the same curves, in which every element of Jensen's card was lost.
        let b = try lab.store.openBatch(groupID: "EMPTY", reader: first.reader, elementsPerCard: first.elementsPerCard,
                                        timeTemperatureProfile: first.timeTemperatureProfile, source: "test: copy")
        let batch = try #require(b.id)
        let empty = lab.cards["Jensen, Mette"]!
        try lab.store.saveManifest(try lab.store.manifest(batch: first.id!).map { var c = $0; c.batchID = batch; return c })
        for r in try lab.store.readings(batch: first.id!) {
            if r.cardID == empty {
                _ = try lab.store.markElementLost(batch: batch, card: r.cardID, element: r.element, reason: "heating cut off (test)")
            } else {
                _ = try lab.store.saveElementReading(ElementReading(batchID: batch, cardID: r.cardID, element: r.element, readAt: r.readAt, outcome: r.outcome))
            }
        }
        _ = try lab.store.finishBatch(id: batch)
        try BatchEvaluator(store: lab.store, logger: quietLogger).evaluate(batchID: batch)
        let missing = try lab.store.notEvaluatedCards(batch: batch)
        #expect(missing.map(\.cardID) == [empty] && missing.first?.reason == .noStoredElement)
        #expect(missing.first?.detail.contains("element 1 lost") == true)
        #expect(try lab.store.currentDoses(batch: batch).count == 9)
        #expect(try lab.store.batchEvaluation(id: batch) == .evaluated)
    }

    @Test("levels per customer with history: a review level of 0.3 mSv sends Jensen's 0.4 mSv to review")
    func customerLevels() async throws {
        let lab = try Lab()
        _ = try lab.store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: day("2026-12-01"), reviewMilliSievert: 5, reportMilliSievert: 20, setAt: Date()))
        _ = try lab.store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: day("2026-10-01"), reviewMilliSievert: 0.3, reportMilliSievert: 10, setAt: Date()))
        #expect(throws: LabStoreError.self) {
            try lab.store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: day("2026-10-01"), reviewMilliSievert: 1, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(throws: LabStoreError.self) {
            try lab.store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: day("2027-01-01"), reviewMilliSievert: 11, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(try lab.store.levels(customerID: "K-1", on: day("2026-10-31")).reviewMilliSievert == 0.3)
        #expect(try lab.store.levels(customerID: "K-1", on: day("2026-09-30")).reviewMilliSievert == CustomerLevels.defaultReviewMilliSievert)
        let outcome = try await lab.read(lab.scenario(), group: "LEVELS")
        let levelsBatch = try #require(outcome.batch.id)
        let dose = try #require(try lab.store.currentDoses(batch: levelsBatch).first { $0.cardID == lab.cards["Jensen, Mette"]! })
        #expect(dose.state == .needsReview)
        #expect(try lab.store.reviewReasons(dose: #require(dose.id)).map(\.reason) == [.aboveReviewLevel])
    }

    @Test("a correction changes only what it names; values outside the measuring range are refused before anything is stored")
    func correctionKeepsWhatItDoesNotName() async throws {
        let lab = try Lab()
        let outcome = try await lab.read(lab.scenario(), group: "CORR")
        let batch = try #require(outcome.batch.id)
        let dose = try #require(try lab.store.currentDoses(batch: batch).first { $0.cardID == lab.cards["Nielsen, Peter"]! })
        let review = DoseReview(store: lab.store, logger: quietLogger)
        for bad in [-5, 1e308, .nan, .infinity, 10_000.5] {
            #expect(throws: DoseReview.CorrectionRefused.self) {
                try review.correct(doseID: dose.id!, hp10MilliSievert: bad, hp007MilliSievert: nil, who: "Dr. P", why: "x")
            }
        }
        #expect(try lab.store.dose(id: dose.id!)?.state == .needsReview, "nothing stored")
        let corrected = try review.correct(doseID: dose.id!, hp10MilliSievert: 13.9, hp007MilliSievert: nil, who: "Dr. P", why: "check")
        #expect(corrected.hp10MilliSievert == 13.9)
        #expect(corrected.hp007MilliSievert == dose.hp007MilliSievert && dose.hp007MilliSievert != nil)
        #expect(corrected.remarks.contains("Hp(0.07) kept as evaluated"))
    }
}
