import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("Dose record store: a person across customers, assigned doses, retention")
struct DoseRecordStoreTests {
    static func day(_ s: String) -> CalendarDay { RecordSamples.day(s) }

    /// One person (010190-0000) at K-1001 and K-1002; the K-1001 card is read and released at 0.40 mSv,
    /// the K-1002 card is not returned.
    struct Lab {
        var store: SQLiteLabStore
        var lookup: Data
        var measured: CardIssue
        var missing: CardIssue
        var batch: ReadoutBatch.ID
    }

    static func lab() throws -> Lab {
        let store = try SQLiteLabStore.inMemory(logger: StoreFixture.logger)
        let a = try RecordSamples.setUp(store, customerID: "K-1001", cards: 1)
        let b = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1)
        _ = try store.issueCards([IssueRequest(cardID: a.cardIDs[0], enrolmentID: try #require(a.enrolment.id),
                                               periodStart: day("2026-07-15"), periodEnd: day("2026-10-14"))],
                                 customerID: "K-1001", dispatchedOn: day("2026-07-08"))
        _ = try store.issueCards([IssueRequest(cardID: b.cardIDs[0], enrolmentID: try #require(b.enrolment.id),
                                               periodStart: day("2026-07-15"), periodEnd: day("2026-10-14"))],
                                 customerID: "K-1002", dispatchedOn: day("2026-07-08"))
        let ret = try store.openReturn(customerID: "K-1001", arrivedOn: day("2026-10-20"))
        let issue = try #require(try store.currentIssue(cardID: a.cardIDs[0]))
        _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(ret.id),
                                         handedOverToName: nil, scannedCode: a.cardIDs[0], message: "accepted")
        _ = try store.saveInspection(CardInspection(cardID: a.cardIDs[0], issueID: issue.id, stage: .arrival, outcome: .fit,
                                                    damages: [], inspectedBy: "tech", inspectedAt: Date()))
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard(a.cardIDs[0], batch: batchID)
        #expect(try store.markCardsRead(batch: batchID) == [a.cardIDs[0]])
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: a.cardIDs[0], hp10: 0.4, hp007: 0.45, state: .evaluated))
        _ = try store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: "Dr. P", why: "ok"), action: .accepted)
        let missing = try #require(try store.currentIssue(cardID: b.cardIDs[0]))
        let issueID = try #require(issue.id)
        return Lab(store: store, lookup: try RecordSamples.protector.lookup("010190-0000"),
                   measured: try #require(try store.issue(id: issueID)), missing: missing, batch: batchID)
    }

    @Test("the record spans both customers, by look-up hash; released dose measured, missing card not returned")
    func acrossCustomers() throws {
        let lab = try Self.lab()
        #expect(try lab.store.wearers(nationalIDLookup: lab.lookup).map(\.customerID) == ["K-1001", "K-1002"])
        let periods = try lab.store.doseRecord(nationalIDLookup: lab.lookup)
        #expect(periods.map(\.customerID).sorted() == ["K-1001", "K-1002"])
        let measured = try #require(periods.first { $0.customerID == "K-1001" })
        #expect(measured.status == .measured && measured.hp10MilliSievert == 0.4 && measured.releasedAt != nil)
        #expect(periods.first { $0.customerID == "K-1002" }?.status == .notReturned)
        #expect(try lab.store.doseRecord(nationalIDLookup: try RecordSamples.protector.lookup("020290-0000")).isEmpty)
    }

    @Test("an assigned dose: marked, counted; the database refuses one on a measured period, a second one, and a 'lost' card that came back")
    func assigned() throws {
        let lab = try Self.lab()
        let missingID = try #require(lab.missing.id)
        let measuredID = try #require(lab.measured.id)
        let colleague = try lab.store.assignDose(AssignedDose(
            issueID: missingID, method: .colleague, reason: .lost, hp10MilliSievert: 0.4, hp007MilliSievert: 0.45,
            sourceIssues: [measuredID], who: "Dr. P", why: "card lost; same work as colleague"))
        let periods = try lab.store.doseRecord(nationalIDLookup: lab.lookup)
        let p = try #require(periods.first { $0.issueID == missingID })
        #expect(p.status == .assigned && p.hp10MilliSievert == 0.4 && p.assignment?.method == .colleague)
        #expect(p.assignment?.remark.hasPrefix("ASSIGNED") == true)
        #expect(abs(DoseRecordSums.summary(periods, window: .lifetime).personalHp10MilliSievert - 0.8) < 1e-12)

        // A second one is refused; a correction replaces it.
        #expect(throws: LabStoreError.self) {
            try lab.store.assignDose(AssignedDose(issueID: missingID, method: .notional, reason: .lost, hp10MilliSievert: 1,
                                                  hp007MilliSievert: 1, who: "Dr. P", why: "again"))
        }
        _ = try lab.store.assignDose(AssignedDose(issueID: missingID, method: .notional, reason: .lost, hp10MilliSievert: 0.6,
                                                  hp007MilliSievert: nil, who: "Dr. Q", why: "better estimate", replacesID: colleague.id))
        #expect(try lab.store.doseRecord(nationalIDLookup: lab.lookup).first { $0.issueID == missingID }?.hp10MilliSievert == 0.6)

        // Not on a measured period; not 'lost' for a card that came back; not negative; no update or delete.
        #expect(throws: LabStoreError.self) {
            try lab.store.assignDose(AssignedDose(issueID: measuredID, method: .notional, reason: .unreadable, hp10MilliSievert: 1,
                                                  hp007MilliSievert: 1, who: "Dr. P", why: "no"))
        }
        try lab.store.database.writer.write { db in
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO assignedDose (issueID, method, reason, hp10MilliSievert, who, why, assignedAt)
                    VALUES (?, 'notional', 'lost', 1, 'x', 'y', '2027-01-01')
                    """, arguments: [measuredID.rawValue])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO assignedDose (issueID, method, reason, hp10MilliSievert, who, why, assignedAt) VALUES (?, 'notional', 'notReturned', -1, 'x', 'y', '2027-01-01')",
                               arguments: [missingID.rawValue])
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO assignedDose (issueID, method, reason, hp10MilliSievert, who, why, assignedAt, sourceIssueIDs) VALUES (?, 'colleague', 'notReturned', 1, 'x', 'y', '2027-01-01', '[]')",
                               arguments: [missingID.rawValue])
            }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE assignedDose SET hp10MilliSievert = 0") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM assignedDose") }
        }
    }

    @Test("retention: a wearer is not deleted before age 75 and 30 years after the last period; one born in 1900 without periods is")
    func retention() throws {
        let lab = try Self.lab()
        let wearers = try lab.store.wearers(nationalIDLookup: lab.lookup)
        try lab.store.database.writer.write { db in
            // Born 1990: kept.
            try db.execute(sql: "UPDATE wearer SET birthDate = '1990-01-01'")
            #expect(Self.refusal(db, "DELETE FROM wearer WHERE id = \(wearers[0].id?.rawValue ?? 0)")?.contains("retention date") == true)
            // Born 1900, but the last period ended in 2026: kept until 2056.
            try db.execute(sql: "UPDATE wearer SET birthDate = '1900-01-01'")
            #expect(Self.refusal(db, "DELETE FROM enrolment")?.contains("retention date") == true)
            // Unknown birth date: kept.
            try db.execute(sql: "INSERT INTO wearer (customerID, name, nationalIDSealed, nationalIDLookup) VALUES ('K-1001', 'X', zeroblob(38), randomblob(32))")
            #expect(Self.refusal(db, "DELETE FROM wearer WHERE name = 'X'")?.contains("retention date") == true)
            // Born 1900, never monitored: past the retention date.
            try db.execute(sql: "UPDATE wearer SET birthDate = '1900-01-01' WHERE name = 'X'")
            try db.execute(sql: "DELETE FROM wearer WHERE name = 'X'")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM wearer WHERE name = 'X'") == 0)
        }
    }

    /// The message of the database's refusal of `sql`, nil when it ran.
    static func refusal(_ db: Database, _ sql: String) -> String? {
        do { try db.execute(sql: sql); return nil } catch let error as DatabaseError { return error.message ?? "\(error)" } catch { return "\(error)" }
    }
}
