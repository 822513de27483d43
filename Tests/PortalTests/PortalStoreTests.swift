import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite
@testable import Portal

/// The `v11-portal` tables' rules, in the database itself.
@Suite struct PortalStoreTests {
    @Test func aDecidedSubmissionNeverChangesAndTheAuditTrailIsNeverRewritten() async throws {
        let fixture = try PortalFixture()
        let lab = try #require(try fixture.store.account(userName: "lab1"))
        let alice = try #require(try fixture.store.account(userName: "alice"))
        let sent = try fixture.store.saveSubmission(
            PortalSubmission(customerID: "K-1001", kind: .unenrol, state: .sent, fields: ["enrolment": fixture.aliceEnrolment],
                             resumeToken: "t1", createdBy: alice.id!),
            by: alice, action: "sent", outbox: nil)
        let id = try #require(sent.id)
        _ = try fixture.store.rejectSubmission(id: id, reason: "wrong number", by: lab)
        #expect(throws: LabStoreError.self) {
            _ = try fixture.store.acceptSubmission(id: id, change: .endEnrolment(number: fixture.aliceEnrolment,
                                                                                  lastDay: try CalendarDay(parsing: "2027-02-28")), by: lab)
        }
        #expect(try fixture.store.enrolment(number: fixture.aliceEnrolment)?.endDate == nil)
        #expect(throws: (any Error).self) {
            try fixture.store.database.writer.write { db in try db.execute(sql: "UPDATE portalSubmission SET reason = 'x' WHERE id = ?", arguments: [id]) }
        }
        #expect(throws: (any Error).self) {
            try fixture.store.database.writer.write { db in try db.execute(sql: "DELETE FROM portalAudit") }
        }
        #expect(throws: (any Error).self) {
            try fixture.store.database.writer.write { db in try db.execute(sql: "DELETE FROM portalSubmission WHERE id = ?", arguments: [id]) }
        }
    }

    @Test func anAcceptedChangeThatFailsLeavesNothingBehind() async throws {
        let fixture = try PortalFixture()
        let lab = try #require(try fixture.store.account(userName: "lab1"))
        let alice = try #require(try fixture.store.account(userName: "alice"))
        let sent = try fixture.store.saveSubmission(
            PortalSubmission(customerID: "K-1001", kind: .unenrol, state: .sent, resumeToken: "t2", createdBy: alice.id!),
            by: alice, action: "sent", outbox: nil)
        // Bob's enrolment through Alice's submission: refused, and the submission stays sent.
        #expect(throws: LabStoreError.self) {
            _ = try fixture.store.acceptSubmission(id: sent.id!, change: .endEnrolment(number: fixture.bobEnrolment,
                                                                                        lastDay: try CalendarDay(parsing: "2027-02-28")), by: lab)
        }
        #expect(try fixture.store.submission(id: sent.id!)?.state == .sent)
        #expect(try fixture.store.enrolment(number: fixture.bobEnrolment)?.endDate == nil)
        #expect(!(try fixture.store.auditTrail(submissionID: sent.id!).contains { $0.action == "accepted" }))
    }

    @Test func accountsNeedAKnownCustomerAndAFreeName() async throws {
        let fixture = try PortalFixture()
        let hash = PortalPassword.hash("0123456789", cost: 4)
        #expect(throws: LabStoreError.self) {
            _ = try fixture.store.addAccount(PortalAccount(userName: "ALICE", passwordHash: hash, role: .customer, customerID: "K-1001"))
        }
        #expect(throws: LabStoreError.self) {
            _ = try fixture.store.addAccount(PortalAccount(userName: "carol", passwordHash: hash, role: .customer, customerID: "K-9999"))
        }
        #expect(throws: (any Error).self) {
            _ = try fixture.store.addAccount(PortalAccount(userName: "dave", passwordHash: hash, role: .lab, customerID: "K-1001"))
        }
        #expect(PortalPassword.verify("0123456789", hash: hash))
        #expect(!PortalPassword.verify("0123456788", hash: hash))
    }
}
