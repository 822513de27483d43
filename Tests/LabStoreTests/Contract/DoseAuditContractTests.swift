import Foundation
import PostgresNIO
import Testing
@testable import LabStore
@testable import LabStorePostgres
@testable import LabStoreSQLite

/// The dose methods of the lab-records role that PostgreSQL implements ahead of its ``LabRecordStore``
/// conformance (PostgresLabStore+DoseAudit.swift): the contract tests reach them on every backend.
protocol AuditedDoseStore: DoseStore {
    func saveDose(_ evaluation: DoseEvaluation, audit: DoseAudit, action: DoseAuditEntry.Action) throws(LabStoreError) -> DoseResult
    func setDoseState(id: DoseResult.ID, to state: DoseState, audit: DoseAudit, action: DoseAuditEntry.Action) throws(LabStoreError) -> DoseResult
    func doseAudit(cardID: String) throws(LabStoreError) -> [DoseAuditEntry]
    func dosesNeedingReview() throws(LabStoreError) -> [DoseResult]
    func dose(id: DoseResult.ID) throws(LabStoreError) -> DoseResult?
}

extension SQLiteLabStore: AuditedDoseStore {}
extension PostgresLabStore: AuditedDoseStore {}

extension StoreFixture {
    /// Opens the store (again) with the dose audit methods: any backend.
    func openAudited() throws -> any AuditedDoseStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}

@Suite("Store contract: the dose audit trail")
struct DoseAuditContractTests {
    /// An audit row as the test expects it (without its id).
    struct Row: Equatable, CustomStringConvertible {
        var doseID: DoseResult.ID, cardID: String, version: Int, action: DoseAuditEntry.Action, state: DoseState
        var who: String, why: String, at: Date
        init(_ e: DoseAuditEntry) {
            (doseID, cardID, version, action, state, who, why, at) = (e.doseID, e.cardID, e.version, e.action, e.state, e.who, e.why, e.at)
        }
        init(_ dose: DoseResult, _ action: DoseAuditEntry.Action, _ state: DoseState, _ who: String, _ why: String, at: Date) throws {
            (doseID, cardID, version, self.action, self.state, self.who, self.why, self.at)
                = (try #require(dose.id), dose.cardID, dose.version, action, state, who, why, at)
        }
        var description: String { "\(doseID) \(cardID) v\(version) \(action) \(state) \(who)/\(why) \(at)" }
    }

    @Test("a saved dose, a re-evaluation and state changes each leave one audit row, as on SQLite",
          arguments: StoreBackend.labStoreRole)
    func auditRows(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openAudited()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        try store.storeCard("C-2", batch: batchID)

        let t1 = fixture.clock.next
        let v1 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.31))
        let t2 = fixture.clock.next
        let v2 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.29, state: .needsReview))
        let other = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-2", hp10: 0.05))
        let t3 = fixture.clock.next
        _ = try store.setDoseState(id: try #require(v2.id), to: .released, audit: DoseAudit(who: "anna", why: "checked the curve"),
                                   action: .accepted)
        let t4 = fixture.clock.next
        _ = try store.setDoseState(id: try #require(other.id), to: .needsReview)

        #expect(try store.doseAudit(cardID: "C-1").map(Row.init) == [
            try Row(v1, .evaluated, .evaluated, "system:evaluator", "dose evaluation", at: t1),
            try Row(v2, .evaluated, .needsReview, "system:evaluator", "dose evaluation", at: t2),
            try Row(v2, .accepted, .released, "anna", "checked the curve", at: t3),
        ])
        #expect(try store.doseAudit(cardID: "C-2").map(Row.init) == [
            try Row(other, .evaluated, .evaluated, "system:evaluator", "dose evaluation", at: t2.addingTimeInterval(1)),
            try Row(other, .stateChanged, .needsReview, "system", "state change", at: t4),
        ])
        // Oldest first: the ids grow.
        let ids = try store.doseAudit(cardID: "C-1").compactMap(\.id?.rawValue)
        #expect(ids == ids.sorted() && ids.count == 3)
        #expect(try store.doseAudit(cardID: "C-never").isEmpty)
    }

    @Test("the audit rows are the same on SQLite and PostgreSQL, field by field")
    func sameOnBothBackends() throws {
        let backends = StoreBackend.labStoreRole
        guard backends.contains(.postgres) else { return }  // skipped locally without the cluster (StoreBackend)
        var trails: [StoreBackend: [DoseAuditEntry]] = [:]
        for backend in [StoreBackend.sqliteFile, .postgres] {
            let fixture = try backend.makeFixture()
            let store = try fixture.openAudited()
            let batchID = try #require(try store.openSampleBatch().id)
            try store.storeCard("C-1", batch: batchID)
            let v1 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.5))
            _ = try store.setDoseState(id: try #require(v1.id), to: .needsReview)
            let v2 = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.4), audit: DoseAudit(who: "bo", why: "corrected fading"),
                                        action: .corrected)
            _ = try store.setDoseState(id: try #require(v2.id), to: .released, audit: DoseAudit(who: "bo", why: "released"), action: .accepted)
            trails[backend] = try store.doseAudit(cardID: "C-1")
        }
        let (sqlite, postgres) = (try #require(trails[.sqliteFile]), try #require(trails[.postgres]))
        #expect(sqlite.count == 4)
        #expect(sqlite == postgres)  // ids included: both number from 1
    }

    @Test("a dose change without who or why is refused and nothing is written", arguments: StoreBackend.labStoreRole)
    func auditNeedsWhoAndWhy(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openAudited()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let refused = LabStoreError.invalidRecord("a dose change needs who and why")
        for audit in [DoseAudit(who: "", why: "x"), DoseAudit(who: "anna", why: "  ")] {
            #expect(throws: refused) {
                try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.3), audit: audit, action: .corrected)
            }
        }
        #expect(try store.doseHistory(card: "C-1").isEmpty)
        #expect(try store.doseAudit(cardID: "C-1").isEmpty)

        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.3))
        let id = try #require(dose.id)
        #expect(throws: refused) {
            try store.setDoseState(id: id, to: .released, audit: DoseAudit(who: " ", why: "ok"), action: .accepted)
        }
        #expect(try store.dose(id: id) == dose)
        #expect(try store.doseAudit(cardID: "C-1").map(\.action) == [.evaluated])
    }

    @Test("a refused state change writes no audit row", arguments: StoreBackend.labStoreRole)
    func refusedChangeNoAudit(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openAudited()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.3))
        let id = try #require(dose.id)
        _ = try store.setDoseState(id: id, to: .released)
        #expect(throws: LabStoreError.releasedDoseIsImmutable(id)) {
            try store.setDoseState(id: id, to: .needsReview, audit: DoseAudit(who: "anna", why: "again"), action: .stateChanged)
        }
        #expect(try store.doseAudit(cardID: "C-1").map(\.action) == [.evaluated, .stateChanged])
    }

    @Test("dose(id:) and dosesNeedingReview() read as on SQLite", arguments: StoreBackend.labStoreRole)
    func reads(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openAudited()
        let first = try #require(try store.openSampleBatch().id)
        // One open batch per reader and source: the second batch on a second reader, from a second source.
        let second = try #require(try store.openBatch(
            groupID: "MAG-08", reader: ReaderIdentity(model: "TLR-4", serial: "FT-00A1B3", firmware: "1.4.2"),
            elementsPerCard: 4, timeTemperatureProfile: Samples.profile, source: "simulated: second-shipment").id)
        for card in ["C-b", "C-a", "C-B"] {
            try store.storeCard(card, batch: first)
            try store.storeCard(card, batch: second)
        }
        let review = { (batch: ReadoutBatch.ID, card: String) throws -> DoseResult in
            try store.saveDose(Samples.evaluation(batch: batch, card: card, hp10: 5, state: .needsReview))
        }
        let s1 = try review(second, "C-a")
        let f1 = try review(first, "C-b")
        let f2 = try review(first, "C-B")
        let f3 = try review(first, "C-a")
        _ = try store.saveDose(Samples.evaluation(batch: second, card: "C-b", hp10: 0.1))  // evaluated: not listed
        let superseded = try review(second, "C-B")
        let current = try store.saveDose(Samples.evaluation(batch: second, card: "C-B", hp10: 0.2))  // supersedes: not listed

        // Batch first, then card in byte order (SQLite's BINARY collation: "C-B" < "C-a" < "C-b").
        #expect(try store.dosesNeedingReview() == [f2, f3, f1, s1])
        #expect(try store.dose(id: try #require(f1.id)) == f1)
        let supersededID = try #require(superseded.id)
        let old = try #require(try store.dose(id: supersededID))
        #expect(old.supersededAt != nil && old.hp10MilliSievert == 5)
        #expect(try store.dose(id: try #require(current.id)) == current)
        #expect(try store.dose(id: DoseResult.ID(rawValue: 9_999)) == nil)
    }
}

@Suite("PostgreSQL schema: the dose audit trail is append-only", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresDoseAuditTriggerTests {
    @Test("raw SQL can neither update nor delete an audit row")
    func appendOnly() throws {
        let fixture = try StoreBackend.postgres.makeFixture()
        let store = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger, now: fixture.clock.now)
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 12.5))
        let trail = try store.doseAudit(cardID: "C-1")
        let id = try #require(trail.first?.id?.rawValue)
        func rawError(_ sql: String) -> LabStoreError? {
            do {
                try store.withSession("test") { session in
                    var b = PostgresBindings()
                    if sql.contains("$1") { b.append(id) }
                    try session.execute(sql, b)
                }
                return nil
            } catch { return error }
        }
        #expect(rawError("UPDATE doseAudit SET who = 'mallory' WHERE id = $1") == .immutableRow(message: "doseAudit rows are append-only"))
        #expect(rawError("UPDATE doseAudit SET at = now()") == .immutableRow(message: "doseAudit rows are append-only"))
        #expect(rawError("DELETE FROM doseAudit WHERE id = $1") == .immutableRow(message: "doseAudit rows are never deleted"))
        #expect(rawError("TRUNCATE doseAudit") == .immutableRow(message: "doseAudit rows are never deleted"))
        #expect(try store.doseAudit(cardID: "C-1") == trail)
        // The table's own CHECK refuses an empty who, even past the store.
        guard case .some = rawError("""
            INSERT INTO doseAudit (doseID, cardID, version, action, state, who, why, at)
            VALUES ((SELECT min(id) FROM doseResult), 'C-1', 1, 'evaluated', 'evaluated', ' ', 'x', now())
            """) else { Issue.record("an audit row without who was accepted"); return }
    }
}
