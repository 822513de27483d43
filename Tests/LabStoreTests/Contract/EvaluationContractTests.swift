import Foundation
import Testing
@testable import LabStore

/// The evaluation role (``EvaluationStore``) and results turnaround (``ResultTurnaroundStore``) on
/// every backend that has them: the same states, orders and errors on SQLite and PostgreSQL.
@Suite("Store contract: evaluation (batch state, doses with reasons, cards not evaluated, levels, attribution, turnaround)")
struct EvaluationContractTests {
    static let day = RecordSamples.day

    @Test("a batch is evaluated only when every card has a dose or a reason; a dose with reasons starts in review; not-for-doses stays so",
          arguments: StoreBackend.evaluationRole)
    func evaluationState(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openEvaluation()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("10000016", batch: batch)
        try store.storeCard("10000024", batch: batch)
        #expect(try store.batchEvaluation(id: batch) == .pending)
        // Still reading: never evaluated, and not listed among the complete batches.
        #expect(try store.concludeEvaluation(batch: batch) == .pending)
        #expect(try store.completeBatches(evaluation: .pending).isEmpty)
        _ = try store.finishBatch(id: batch)
        #expect(try store.completeBatches(evaluation: .pending).map(\.id) == [batch])

        let routed = try store.saveEvaluatedDose(
            Samples.evaluation(batch: batch, card: "10000016", hp10: 14.2),
            reviewReasons: [(.aboveReportLevel, "Hp(10) 14.20 mSv > report level 10.00 mSv"), (.qualityFlags, "E2"), (.aboveReportLevel, "again")],
            audit: .automatic)
        #expect(routed.state == .needsReview && routed.version == 1)
        // Each reason once, in the order given (not by code).
        let reasons = try store.reviewReasons(dose: try #require(routed.id))
        #expect(reasons.map(\.reason) == [.aboveReportLevel, .qualityFlags])
        #expect(reasons.map(\.detail) == ["Hp(10) 14.20 mSv > report level 10.00 mSv", "E2"])
        #expect(try store.concludeEvaluation(batch: batch) == .pending, "one card has neither dose nor reason")

        // Recorded, then replaced: one row per card and batch.
        try store.recordNotEvaluated(CardNotEvaluated(batchID: batch, cardID: "10000024", reason: .evaluationFailed, detail: "first", recordedAt: Date()))
        try store.recordNotEvaluated(CardNotEvaluated(batchID: batch, cardID: "10000024", reason: .noCalibration,
                                                      detail: "no calibration dosimeters", recordedAt: TestClock.start))
        #expect(try store.notEvaluatedCards(batch: batch)
                == [CardNotEvaluated(batchID: batch, cardID: "10000024", reason: .noCalibration, detail: "no calibration dosimeters", recordedAt: TestClock.start)])
        #expect(try store.concludeEvaluation(batch: batch) == .evaluated)
        #expect(try store.batchEvaluation(id: batch) == .evaluated)
        #expect(try store.completeBatches(evaluation: .evaluated).map(\.id) == [batch])
        #expect(try store.completeBatches(evaluation: .pending).isEmpty)

        // Once it has a dose, its reason is gone (same transaction).
        let later = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "10000024", hp10: 0.2), reviewReasons: [], audit: .automatic)
        #expect(later.state == .evaluated)
        #expect(try store.notEvaluatedCards(batch: batch).isEmpty)
        // A new version supersedes the current one, with its own audit row.
        let second = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "10000016", hp10: 0.3), reviewReasons: [],
                                                 audit: DoseAudit(who: "bench 2", why: "re-evaluated"))
        #expect(second.version == 2 && second.state == .evaluated)
        #expect(try store.currentDoses(batch: batch).map { "\($0.cardID) v\($0.version)" } == ["10000016 v2", "10000024 v1"])
        #expect(try store.doseAudit(cardID: "10000016").map(\.who) == ["system:evaluator", "bench 2"])
        #expect(try store.reviewReasons(dose: try #require(second.id)).isEmpty)

        #expect(throws: LabStoreError.noStoredReadings(batch: batch, cardID: "99999999")) {
            try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "99999999", hp10: 0.1), reviewReasons: [], audit: .automatic)
        }
        let unknown = ReadoutBatch.ID(rawValue: 999_999)
        #expect(throws: LabStoreError.batchNotFound(unknown)) { try store.batchEvaluation(id: unknown) }
        #expect(throws: LabStoreError.batchNotFound(unknown)) { try store.concludeEvaluation(batch: unknown) }
        #expect(throws: LabStoreError.batchNotFound(unknown)) {
            try store.recordNotEvaluated(CardNotEvaluated(batchID: unknown, cardID: "1", reason: .noCalibration, detail: "", recordedAt: Date()))
        }

        // An anneal background check is never a batch of doses.
        let check = try #require(try store.openSampleBatch(source: "anneal check", groupID: "AC-0001").id)
        try store.markBatchNotForDoses(id: check)
        try store.storeCard("10000016", batch: check)
        _ = try store.finishBatch(id: check)
        #expect(try store.concludeEvaluation(batch: check) == .notForDoses)
        #expect(try store.completeBatches(evaluation: .notForDoses).map(\.id) == [check])
        #expect(try store.completeBatches(evaluation: .pending).isEmpty)
    }

    @Test("routing to review: an evaluated current dose only, each reason once; released, superseded and unknown doses are refused",
          arguments: StoreBackend.evaluationRole)
    func routeToReview(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openEvaluation()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batch)
        try store.storeCard("C-2", batch: batch)
        let dose = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "C-1", hp10: 0.7), reviewReasons: [], audit: .automatic)
        let id = try #require(dose.id)
        let policy = DoseAudit(who: "system:review-policy", why: "above the review level")
        let routed = try store.routeToReview(dose: id, reasons: [(.aboveReviewLevel, "0.70 > 0.50"), (.aboveReviewLevel, "twice")], audit: policy)
        #expect(routed.id == id && routed.version == 1 && routed.state == .needsReview)
        #expect(try store.reviewReasons(dose: id) == [DoseReviewReason(doseID: id, reason: .aboveReviewLevel, detail: "0.70 > 0.50")])
        #expect(throws: LabStoreError.invalidDoseStateChange(from: .needsReview, to: .needsReview)) {
            try store.routeToReview(dose: id, reasons: [(.damagedOnArrival, "x")], audit: policy)
        }
        #expect(try store.reviewReasons(dose: id).count == 1, "a refused routing adds no reason")
        _ = try store.setDoseState(id: id, to: .released, audit: DoseAudit(who: "physicist", why: "plausible"), action: .accepted)
        #expect(throws: LabStoreError.invalidDoseStateChange(from: .released, to: .needsReview)) {
            try store.routeToReview(dose: id, reasons: [(.aboveReviewLevel, "again")], audit: policy)
        }
        #expect(try store.doseAudit(cardID: "C-1").map(\.action) == [.evaluated, .stateChanged, .accepted])

        let old = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "C-2", hp10: 0.1), reviewReasons: [], audit: .automatic)
        _ = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "C-2", hp10: 0.2), reviewReasons: [], audit: .automatic)
        let oldID = try #require(old.id)
        #expect(throws: LabStoreError.doseSuperseded(oldID)) { try store.routeToReview(dose: oldID, reasons: [], audit: policy) }
        #expect(throws: LabStoreError.doseNotFound(DoseResult.ID(rawValue: 999_999))) {
            try store.routeToReview(dose: DoseResult.ID(rawValue: 999_999), reasons: [], audit: policy)
        }
        #expect(throws: LabStoreError.self) { try store.routeToReview(dose: oldID, reasons: [], audit: DoseAudit(who: " ", why: "x")) }
    }

    @Test("levels: history by valid-from, defaults without one, the same refusals; a day already set is refused",
          arguments: StoreBackend.evaluationRole)
    func levels(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openEvaluation()
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        let jan = Self.day("2027-01-01")
        #expect(try store.levels(customerID: "K-1", on: jan) == .defaults(customerID: "K-1"))
        #expect(try store.levelsHistory(customerID: "K-1").isEmpty)
        let saved = try store.saveLevels(CustomerLevels(
            customerID: "K-1", validFrom: jan, reviewMilliSievert: 0.5, reportMilliSievert: 6, setAt: Date(timeIntervalSince1970: 0),
            investigationQuarterMilliSievert: 0.3, setBy: "J. Physicist"))
        #expect(saved.setAt == TestClock.start, "stamped by the store")
        let july = try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: Self.day("2027-07-01"), reviewMilliSievert: 0.8,
                                                       reportMilliSievert: 10, setAt: Date()))
        #expect(try store.levels(customerID: "K-1", on: jan.adding(days: -1)) == .defaults(customerID: "K-1"))
        #expect(try store.levels(customerID: "K-1", on: jan) == saved)
        #expect(try store.levels(customerID: "K-1", on: Self.day("2027-06-30")) == saved)
        #expect(try store.levels(customerID: "K-1", on: Self.day("2027-07-01")) == july)
        #expect(try store.levelsHistory(customerID: "K-1") == [saved, july])

        #expect(throws: LabStoreError.invalidRecord("levels of K-1 from 2027-01-01 are already set; levels are history: give a later --valid-from")) {
            try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan, reviewMilliSievert: 1, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(throws: LabStoreError.invalidRecord("the review level (2.0 mSv) must not be above the report level (1.0 mSv)")) {
            try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan.adding(days: 1), reviewMilliSievert: 2, reportMilliSievert: 1, setAt: Date()))
        }
        #expect(throws: LabStoreError.invalidRecord("reviewMilliSievert must be between 0 and 10 000 mSv, not -1.0")) {
            try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan.adding(days: 1), reviewMilliSievert: -1, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(throws: LabStoreError.invalidRecord("an investigation level must not be above the intervention level of the same span")) {
            try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan.adding(days: 1), reviewMilliSievert: 1, reportMilliSievert: 10,
                                                setAt: Date(), investigationYearMilliSievert: 7))
        }
        #expect(throws: LabStoreError.self) {
            try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan.adding(days: 1), reviewMilliSievert: .nan, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(throws: LabStoreError.customerNotFound("K-9")) {
            try store.saveLevels(CustomerLevels(customerID: "K-9", validFrom: jan, reviewMilliSievert: 1, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(try store.levelsHistory(customerID: "K-1").count == 2, "nothing refused was stored")
    }

    @Test("attribution and turnaround: expected cards, arrival inspections, readings linked to issues, result times",
          arguments: StoreBackend.evaluationRole)
    func attributionAndTurnaround(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openEvaluation()
        let setup = try RecordSamples.setUp(store, cards: 3)
        let (c0, c1, c2) = (setup.cardIDs[0], setup.cardIDs[1], setup.cardIDs[2])
        let start = Self.day("2026-07-15"), end = Self.day("2026-10-14")
        let enrolment = try #require(setup.enrolment.id)
        // One card per wearer (an enrolment has one issue per period).
        var enrolments = [enrolment]
        for (i, nationalID) in ["020290-0000", "030390-0000"].enumerated() {
            let wearer = try store.addWearer(customerID: "K-1001", name: "Wearer \(i + 2)", nationalID: try RecordSamples.protector.protect(nationalID))
            let wearerID = try #require(wearer.id)
            let enrolled = try store.enrol(Enrolment(
                wearerID: wearerID, customerID: "K-1001", dosimeterType: .wholeBody, periodLength: .threeMonths,
                startDate: start, orderedOn: Self.day("2026-07-01")))
            enrolments.append(try #require(enrolled.id))
        }
        _ = try store.issueCards(zip(setup.cardIDs, enrolments).map { IssueRequest(cardID: $0, enrolmentID: $1, periodStart: start, periodEnd: end) },
                                 customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        #expect(try store.expectedCards().isEmpty, "issued, not returned yet")
        let ret = try #require(try store.openReturn(customerID: "K-1001", arrivedOn: Self.day("2026-10-20")).id)
        var issues: [String: CardIssue.ID] = [:]
        for card in setup.cardIDs {
            let issue = try #require(try store.currentIssue(cardID: card)?.id)
            issues[card] = issue
            _ = try store.acceptReturnedCard(issueID: issue, returnID: ret, handedOverToName: nil, scannedCode: card, message: "accepted")
        }
        let fit = try store.saveInspection(CardInspection(cardID: c0, issueID: nil, stage: .arrival, outcome: .fit, damages: [],
                                                          inspectedBy: "tech", inspectedAt: Date()))
        let expected = try store.expectedCards()
        #expect(expected.map(\.cardID) == [c0, c1, c2])
        let zeroedAt = try store.cardElements(cardID: c0).compactMap(\.zeroedAt).min()
        #expect(expected.first == ExpectedCard(
            cardID: c0, issueID: try #require(issues[c0]), customerID: "K-1001", enrolmentID: enrolment, dosimeterType: .wholeBody,
            periodStart: start, periodEnd: end, annealedAt: nil, zeroedAt: zeroedAt))
        #expect(try store.arrivalInspections(customerID: "K-1001") == [try #require(issues[c0]): fit])
        #expect(try store.arrivalInspections(customerID: "K-404").isEmpty)

        // A batch reads c0 (inspected) and c1 (returned, not inspected yet), attributed to their issues.
        let batch = try #require(try store.openSampleBatch().id)
        try store.saveManifest([c0, c1].map { BatchCard(batchID: batch, cardID: $0, role: .worker, annealedAt: nil, issueID: issues[$0]) })
        try store.storeCard(c0, batch: batch)
        try store.storeCard(c1, batch: batch)
        _ = try store.finishBatch(id: batch)
        #expect(try store.attributeReadings(batch: batch) == [c0], "only the inspected card moves to read")
        #expect(try store.card(id: c0)?.state == .read)
        #expect(try store.card(id: c1)?.state == .returned)
        #expect(try store.currentIssue(cardID: c0)?.batchID == batch)
        #expect(try store.currentIssue(cardID: c1)?.batchID == batch, "both issues are linked to the batch")
        #expect(try store.expectedCards().map(\.cardID) == [c2])
        _ = try store.saveInspection(CardInspection(cardID: c2, issueID: nil, stage: .arrival, outcome: .retire, damages: [],
                                                    remark: "cracked", inspectedBy: "tech", inspectedAt: Date()))
        #expect(try store.expectedCards().isEmpty)

        // Turnaround: c0's dose released, c1's not, c2 retired on arrival.
        let dose = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: c0, hp10: 0.4), reviewReasons: [], audit: .automatic)
        _ = try store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: "physicist", why: "ok"), action: .accepted)
        let releasedAt = try #require(try store.doseAudit(cardID: c0).last?.at)
        let timings = try store.resultTimings(periodEndFrom: Self.day("2026-10-01"), to: Self.day("2026-10-31"), customerID: nil)
        #expect(timings.map(\.cardID) == [c0, c1, c2])
        #expect(timings.map(\.releasedAt) == [releasedAt, nil, nil])
        #expect(timings.map(\.retiredOnArrival) == [false, false, true])
        #expect(timings.allSatisfy { $0.arrivedOn == Self.day("2026-10-20") && $0.periodEnd == end && $0.customerID == "K-1001" })
        #expect(timings.first?.enrolmentNumber == setup.enrolment.number && timings.first?.wearerName == "Anna Andersen")
        #expect(timings.first?.issueID == issues[c0])
        #expect(try store.resultTimings(periodEndFrom: end, to: end, customerID: "K-1001").count == 3)
        #expect(try store.resultTimings(periodEndFrom: Self.day("2026-10-01"), to: Self.day("2026-10-31"), customerID: "K-404").isEmpty)
        #expect(try store.resultTimings(periodEndFrom: Self.day("2026-10-15"), to: Self.day("2026-12-31"), customerID: nil).isEmpty)
    }
}
