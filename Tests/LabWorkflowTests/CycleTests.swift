import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import Testing
@testable import LabWorkflow

/// Stores a synthetic curve for every element of `card` in `batch` (the readout itself is tested
/// end to end with the simulator; here only the records after it matter).
func storeReading(_ store: SQLiteLabStore, card: String, batch: ReadoutBatch.ID) throws {
    let counts: [UInt32] = (0..<50).map { UInt32(100 + $0 * 3) }
    let temps: [Int16] = (0..<50).map { Int16(500 + $0 * 50) }
    for e in 1...4 {
        _ = try store.saveElementReading(ElementReading(
            batchID: batch, cardID: card, element: e, readAt: Date(), outcome: .stored(ElementCurve(
                counts: counts, temperaturesDeciCelsius: temps, channelMicroseconds: 100_000, pmtDarkCountsPerSecond: 10,
                heaterMaxDeciCelsius: 3000, readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temps)))))
    }
}

@Suite("Review, anneal, zeroing, reissue and the customer documents")
struct CycleTests {
    /// Intake of all but the last whole-body card; the second is damaged (manual QA); read and evaluated.
    static func readBatch(_ f: WorkflowFixture) throws -> ReadoutBatch.ID {
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-11-03"), logger: WorkflowFixture.logger)
        for card in f.wholeBodyCards.dropLast() + f.fingerCards { #expect(try station.scan(card).isAccepted) }
        _ = try station.close()
        for (i, card) in (f.wholeBodyCards.dropLast() + f.fingerCards).enumerated() {
            let damaged = i == 1
            _ = try f.store.saveInspection(CardInspection(
                cardID: card, issueID: nil, stage: .arrival, outcome: damaged ? .manualQA : .fit,
                damages: damaged ? [Damage(.crackedPellet, element: 3)] : [], remark: damaged ? "pellet 3 cracked" : "",
                inspectedBy: "tech", inspectedAt: Date()))
        }
        let batch = try #require(try f.store.openBatch(
            groupID: "R-1", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        for (i, card) in (f.wholeBodyCards.dropLast() + f.fingerCards).enumerated() {
            try storeReading(f.store, card: card, batch: batch)
            _ = try f.store.saveDose(DoseEvaluation(batchID: batch, cardID: card, hp10MilliSievert: [0.12, 0.3, 2.5, 0.05][i],
                                                    hp007MilliSievert: 0.1, detectionLimitMilliSievert: 0.08, algorithmID: "test",
                                                    calibrationID: nil, evaluatedAt: Date()))
        }
        _ = try f.store.finishBatch(id: batch)
        #expect(try f.store.markCardsRead(batch: batch).count == 3)
        return batch
    }

    @Test("review policy: the review level is for workers' doses, not the lab's calibration dosimeters")
    func calibrationDosimetersAreNotReviewedForTheirDose() throws {
        let f = try WorkflowFixture()
        let batch = try #require(try f.store.openBatch(
            groupID: "CAL", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        try f.store.saveManifest([
            BatchCard(batchID: batch, cardID: "W120", role: .calibration, annealedAt: nil, deliveredHp10MilliSievert: 2, deliveredHp007MilliSievert: 2, referenceField: "S-Cs"),
            BatchCard(batchID: batch, cardID: "W119", role: .worker, annealedAt: nil),
        ])
        for card in ["W120", "W119"] {
            try storeReading(f.store, card: card, batch: batch)
            _ = try f.store.saveDose(DoseEvaluation(batchID: batch, cardID: card, hp10MilliSievert: 2.0, hp007MilliSievert: 2.0,
                                                    detectionLimitMilliSievert: 0.08, algorithmID: "test", calibrationID: nil, evaluatedAt: Date()))
        }
        let review = DoseReview(store: f.store, reviewLevelMilliSievert: 1.0, logger: WorkflowFixture.logger)
        #expect(try review.applyPolicy(batch: batch) == ["W119"])
    }

    @Test("review: policy flags high and damaged cards; accept, correct and reject leave an audit trail")
    func review() throws {
        let f = try WorkflowFixture()
        let batch = try Self.readBatch(f)
        let review = DoseReview(store: f.store, reviewLevelMilliSievert: 1.0, logger: WorkflowFixture.logger)
        // The damaged card (manual QA) and the finger card above the review level (2.5 mSv > 1 mSv).
        let (damaged, high) = (f.wholeBodyCards[1], f.fingerCards[0])
        #expect(Set(try review.applyPolicy(batch: batch)) == [damaged, high])
        let flagged = try f.store.dosesNeedingReview()
        #expect(flagged.map(\.cardID) == [high, damaged])
        _ = try review.accept(doseID: try #require(flagged[0].id), who: "physicist", why: "high but plausible: curve clean")
        // Nothing can be zeroed yet.
        #expect(throws: LabStoreError.self) { try f.store.zeroCards([damaged]) }
        let corrected = try review.correct(doseID: try #require(flagged[1].id), hp10MilliSievert: 0.28, hp007MilliSievert: 0.1,
                                           who: "physicist", why: "element 3 cracked: Hp(10) from elements 1-2")
        #expect(corrected.version == 2 && corrected.state == .released && corrected.hp10MilliSievert == 0.28)
        #expect(throws: LabStoreError.self) {  // released: final
            try review.reject(doseID: try #require(corrected.id), who: "physicist", why: "second thoughts")
        }
        let trail = try f.store.doseAudit(cardID: damaged)
        #expect(trail.map(\.action) == [.evaluated, .stateChanged, .corrected])
        #expect(trail.last?.who == "physicist" && trail.last?.why.contains("cracked") == true)
        #expect(try review.releaseUnflagged(batch: batch) == [f.wholeBodyCards[0]])
        #expect(try f.store.doseAudit(cardID: high).map(\.action) == [.evaluated, .stateChanged, .accepted])
        #expect(try f.store.markReleasedCards().count == 3)
    }

    @Test("anneal check, zeroing, inspection, reissue; slip and result list")
    func anneal_reissue_documents() throws {
        let f = try WorkflowFixture()
        let batch = try Self.readBatch(f)
        let review = DoseReview(store: f.store, logger: WorkflowFixture.logger)
        try review.applyPolicy(batch: batch)
        for d in try f.store.dosesNeedingReview() { _ = try review.accept(doseID: d.id!, who: "physicist", why: "curves fine") }
        try review.releaseUnflagged(batch: batch)
        let released = try f.store.markReleasedCards()
        #expect(released.count == 3)
        let run = AnnealRecord(method: .reader, profile: "300 °C 10 s", startedAt: Date(), endedAt: Date())
        let checks = try f.store.recordAnneal(run, residuals: Dictionary(uniqueKeysWithValues: released.map { ($0, $0 == released[0] ? 0.4 : 0.01) }),
                                              backgroundLevelMilliSievert: 0.05)
        #expect(checks.filter(\.passed).count == 2)
        _ = try f.store.recordAnneal(run, residuals: [released[0]: 0.02], backgroundLevelMilliSievert: 0.05)  // re-anneal
        try f.store.zeroCards(released)
        let damaged = f.wholeBodyCards[1]
        for card in released {
            _ = try f.store.saveInspection(CardInspection(cardID: card, issueID: nil, stage: .beforeReissue,
                                                          outcome: card == damaged ? .retire : .fit, damages: [],
                                                          remark: card == damaged ? "cracked pellet" : "", inspectedBy: "tech", inspectedAt: Date()))
        }
        #expect(try f.store.card(id: damaged)?.state == .retired)

        let reissue = Reissue(store: f.store, logger: WorkflowFixture.logger)
        let (shipment, plan) = try reissue.run(customerID: "K-1001", dispatchDay: day("2026-11-05"))
        #expect(plan.shortOfCards.isEmpty)
        // 3 whole-body enrolments → 2026-10-15…2027-01-14; the finger one → 2026-11-01…30.
        #expect(plan.requests.count == 4)
        #expect(Set(plan.requests.map(\.periodStart)) == [day("2026-10-15"), day("2026-11-01")])
        #expect(!plan.requests.map(\.cardID).contains(damaged))
        #expect(try reissue.run(customerID: "K-1001", dispatchDay: day("2026-11-05")).shipment == nil)  // idempotent

        let docs = ReportBuilder(store: f.store, protector: f.protector)
        let slip = try docs.packingSlip(shipment: try #require(shipment))
        #expect(slip.sections.map(\.dosimeterType) == ["whole-body", "finger (extremity)"])
        #expect(slip.sections[0].rows.map(\.wearerName) == ["Andersen, Anna", "Berg, Bo", "Ørsted, Hans"])
        #expect(slip.sections[0].rows.map(\.nationalIDFirst4) == ["0101", "1212", "0505"])
        #expect(slip.totalMinorUnits == 3 * 12_500 + 9_950)
        let text = slip.text()
        #expect(text.contains("3 × 125.00 DKK = 375.00 DKK excl. VAT"))
        #expect(text.contains("Total: 4 cards, 474.50 DKK excl. VAT"))
        #expect(!text.contains("010190") && !slip.html().contains("010190"))

        let list = try docs.resultList(customerID: "K-1001", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2027-02-01"))
        #expect(list.rows.count == 4)
        let missing = try #require(list.rows.first { $0.cardID == f.wholeBodyCards[2] })
        #expect(missing.status == "missing" && missing.hp10MilliSievert == nil)
        #expect(missing.remarks.contains("not returned"))
        let qa = try #require(list.rows.first { $0.cardID == damaged })
        #expect(qa.remarks.contains { $0.contains("card damaged on arrival (cracked pellet (element 3)): manual QA") })
        #expect(qa.hp10MilliSievert == 0.3 && qa.status == "released")
        let csv = list.csv()
        #expect(csv.hasPrefix("customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,sums_year,"))
        #expect(csv.components(separatedBy: "\r\n").count == 6)  // header + 4 rows + trailing
        #expect(list.html().contains("<td>missing</td>"))
    }
}
