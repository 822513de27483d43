import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// The evaluation records of the store: batch evaluation state, cards not evaluated, doses stored with
/// their review reasons in one transaction, customer levels with history, and their interlocks.
@Suite("Evaluation store: state, reasons, levels")
struct EvaluationStoreTests {
    @Test("a batch is evaluated only when every card has a dose or a reason; a dose with reasons starts in review")
    func evaluationState() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("10000016", batch: batch)
        try store.storeCard("10000024", batch: batch)
        // Still reading: never evaluated.
        #expect(try store.concludeEvaluation(batch: batch) == .pending)
        _ = try store.finishBatch(id: batch)
        #expect(try store.completeBatches(evaluation: .pending).map(\.id) == [batch])

        let routed = try store.saveEvaluatedDose(
            Samples.evaluation(batch: batch, card: "10000016", hp10: 14.2),
            reviewReasons: [(.aboveReportLevel, "Hp(10) 14.20 mSv > report level 10.00 mSv")], audit: .automatic)
        #expect(routed.state == .needsReview)
        #expect(try store.reviewReasons(dose: #require(routed.id)).map(\.reason) == [.aboveReportLevel])
        #expect(try store.concludeEvaluation(batch: batch) == .pending, "one card has neither dose nor reason")

        try store.recordNotEvaluated(CardNotEvaluated(batchID: batch, cardID: "10000024", reason: .noCalibration,
                                                      detail: "no calibration dosimeters", recordedAt: Date()))
        #expect(try store.concludeEvaluation(batch: batch) == .evaluated)
        // Once it has a dose, its reason is gone (same transaction).
        let later = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "10000024", hp10: 0.2), reviewReasons: [], audit: .automatic)
        #expect(later.state == .evaluated)
        #expect(try store.notEvaluatedCards(batch: batch).isEmpty)

        // Reasons are append-only, in the database as well.
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "DELETE FROM doseReviewReason") }
        }
        // A reason code the code does not know is refused by the database.
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in
                try db.execute(sql: "INSERT INTO doseReviewReason (doseID, reason, detail) VALUES (?, 'because', '')", arguments: [later.id])
            }
        }
    }

    @Test("an evaluated dose routed to review keeps its typed reason; a released one cannot be routed")
    func routeToReview() throws {
        let fixture = try StoreFixture(backend: .sqliteInMemory)
        let store = try fixture.openSQLite()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("10000016", batch: batch)
        let dose = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "10000016", hp10: 0.7), reviewReasons: [], audit: .automatic)
        let routed = try store.routeToReview(dose: #require(dose.id), reasons: [(.aboveReviewLevel, "0.70 > 0.50")], audit: DoseAudit(who: "system:review-policy", why: "above"))
        #expect(routed.state == .needsReview)
        #expect(try store.reviewReasons(dose: #require(dose.id)).map(\.reason) == [.aboveReviewLevel])
        _ = try store.setDoseState(id: #require(dose.id), to: .released)
        #expect(throws: LabStoreError.self) {
            try store.routeToReview(dose: #require(dose.id), reasons: [(.aboveReviewLevel, "again")], audit: .automatic)
        }
    }

    @Test("levels: history by valid-from, defaults without one, refused when not finite or review above report; never updated")
    func levels() throws {
        let fixture = try StoreFixture(backend: .sqliteInMemory)
        let store = try fixture.openSQLite()
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        let jan = try CalendarDay(parsing: "2027-01-01")
        #expect(try store.levels(customerID: "K-1", on: jan).reviewMilliSievert == 1)
        #expect(try store.levels(customerID: "K-1", on: jan).reportMilliSievert == 10)
        _ = try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan, reviewMilliSievert: 0.5, reportMilliSievert: 6, setAt: Date()))
        #expect(try store.levels(customerID: "K-1", on: jan.adding(days: -1)).reviewMilliSievert == 1)
        #expect(try store.levels(customerID: "K-1", on: jan.adding(days: 40)).reportMilliSievert == 6)
        for (review, report) in [(Double.nan, 10.0), (1, .infinity), (-1, 10), (2, 1)] {
            #expect(throws: LabStoreError.self) {
                try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: jan.adding(days: 1), reviewMilliSievert: review, reportMilliSievert: report, setAt: Date()))
            }
        }
        #expect(throws: LabStoreError.self) {
            try store.saveLevels(CustomerLevels(customerID: "K-9", validFrom: jan, reviewMilliSievert: 1, reportMilliSievert: 10, setAt: Date()))
        }
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "UPDATE customerLevels SET reviewMilliSievert = 99") }
        }
        #expect(try store.levelsHistory(customerID: "K-1").count == 1)
    }
}
