import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Cases, investigations and notifications in the store: opened and raised once, closed only when
/// complete, and the database's own refusals (triggers) whatever the program.
@Suite("Case store: cases, investigations, notifications")
struct CaseStoreTests {
    @Test("one case per person, kind and period; closing needs a complete investigation and a sent notification; closed and sent rows never change")
    func caseLifecycle() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        let lookup = Data(repeating: 7, count: 32)
        let wearer = try store.addWearer(customerID: "K-1", name: "Holm, Anna", nationalID: ProtectedNationalID(sealed: Data(repeating: 1, count: 38), lookup: lookup))
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("10000016", batch: batch)
        let dose = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: "10000016", hp10: 12), reviewReasons: [], audit: .automatic)
        let day = try CalendarDay(parsing: "2026-11-05")
        let draft = LevelCase(personLookup: lookup, kind: .notifiablePeriod, periodKey: "2026-10-01..2026-10-31", customerID: "K-1",
                              wearerID: try #require(wearer.id), doseID: try #require(dose.id), valueMilliSievert: 12, levelMilliSievert: 10,
                              openedOn: day, openedAt: Date(), deadline: day)
        let first = try store.openCase(draft)
        let second = try store.openCase(draft)
        #expect(first.isNew && !second.isNew && first.levelCase.id == second.levelCase.id)
        let caseID = try #require(first.levelCase.id)
        let n1 = try store.raiseNotification(caseID: caseID, on: day)
        let n2 = try store.raiseNotification(caseID: caseID, on: day.adding(days: 1))
        #expect(n1.isNew && !n2.isNew && n2.notification.raisedOn == day && n1.notification.reportNumber == "N-2026-0001")

        // Incomplete: refused by the store, and by the database directly.
        _ = try store.recordInvestigation(CaseInvestigation(caseID: caseID, personalDose: true, recordedBy: "P", recordedAt: Date()))
        #expect(throws: LabStoreError.self) { try store.closeCase(id: caseID, by: "P") }
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "UPDATE levelCase SET closedAt = ?, closedBy = 'x' WHERE id = ?", arguments: [Date(), caseID]) }
        }
        let full = try store.recordInvestigation(CaseInvestigation(
            caseID: caseID, apronWorn: false, refinedEffectiveMilliSievert: 11, refinedMethod: "Hp(10) as E", causes: "c", actions: "a",
            workerInformedBy: "RPO", workerInformedOn: day, recordedBy: "P", recordedAt: Date()))
        #expect(full.isComplete && full.personalDose == true, "a later step keeps the earlier answer")
        // Complete, but the notification is not sent.
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "UPDATE levelCase SET closedAt = ?, closedBy = 'x' WHERE id = ?", arguments: [Date(), caseID]) }
        }
        let notificationID = try #require(n1.notification.id)
        _ = try store.markNotificationSent(id: notificationID, by: "P", how: .secureEmail, at: Date())
        #expect(throws: LabStoreError.self) { try store.markNotificationSent(id: notificationID, by: "Q", how: .post, at: Date()) }
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "UPDATE authorityNotification SET sentBy = 'Q'") }
        }
        let closed = try store.closeCase(id: caseID, by: "P")
        #expect(!closed.isOpen && closed.closedBy == "P")
        #expect(throws: (any Error).self) {
            try store.database.writer.write { db in try db.execute(sql: "UPDATE levelCase SET valueMilliSievert = 1") }
        }
        #expect(throws: (any Error).self) { try store.database.writer.write { db in try db.execute(sql: "DELETE FROM levelCase") } }
        #expect(throws: LabStoreError.self) { try store.recordInvestigation(CaseInvestigation(caseID: caseID, causes: "other", recordedBy: "Q", recordedAt: Date())) }
        #expect(try store.levelCases(includeClosed: false, customerID: nil).isEmpty)
        #expect(try store.levelCases(includeClosed: true, customerID: "K-1").count == 1)
    }
}
