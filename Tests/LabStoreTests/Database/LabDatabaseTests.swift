import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("SQLite database: opening, settings, migrations")
struct LabDatabaseTests {
    static let tables = [
        "annealCheck", "annealRecord", "batchCard", "calibrationRecord", "card", "cardElement", "cardInspection", "charge",
        "cardIssue", "cardPrice", "cardRetirement", "cardTransition", "compensationPrice", "customer", "customerReturn", "doseAudit", "doseResult",
        "elementReading", "enrolment", "nationalIDKeyCheck", "readerQC", "readoutBatch", "returnScan", "shipment", "wearer",
    ]
    /// Tables of migration v7-evaluation.
    static let evaluationTables = ["cardNotEvaluated", "customerLevels", "doseReviewReason"]
    /// Tables of migration v10-cases.
    static let casesTables = ["annualReview", "authorityNotification", "caseInvestigation", "doseLevelCheck", "levelCase"]
    /// Tables of migration v9-records.
    static let recordsTables = ["assignedDose", "registryExport", "registryRecord"]
    /// Tables of migration v11-portal.
    static let portalTables = ["portalAccount", "portalAudit", "portalOutbox", "portalSubmission"]
    /// Tables of migration v12-portal2.
    static let portalSessionTables = ["portalAgreement", "portalOverviewVersion", "portalSession"]

    private func pragma(_ name: String, _ database: LabDatabase) throws -> String? {
        // On the writer connection: the one whose settings decide durability.
        try database.writer.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA \(name)")
        }
    }

    @Test("a file opens in WAL mode with synchronous FULL, foreign keys and a busy timeout")
    func fileSettings() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        #expect(try pragma("journal_mode", store.database) == "wal")
        #expect(try pragma("synchronous", store.database) == "2")  // 2 = FULL
        #expect(try pragma("foreign_keys", store.database) == "1")
        #expect(try pragma("busy_timeout", store.database) == "5000")
        #expect(store.database.path == fixture.databasePath)
    }

    @Test("the in-memory database enforces foreign keys too")
    func inMemorySettings() throws {
        let database = try LabDatabase.inMemory(logger: StoreFixture.logger)
        #expect(try pragma("foreign_keys", database) == "1")
        #expect(database.path == nil)
    }

    @Test("migrations build the schema on a fresh file")
    func freshMigration() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        #expect(try store.database.appliedMigrations() == LabMigrations.names)
        let tables = try store.database.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name
                """)
        }
        #expect(tables == (Self.tables + Self.evaluationTables + Self.recordsTables + Self.casesTables + Self.portalTables
                            + Self.portalSessionTables).sorted())
    }

    @Test("reopening an existing file runs no migration again and keeps schema and data")
    func migrationOnExistingFile() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let schemaBefore: [String]
        do {
            let store = try fixture.openSQLite()
            _ = try store.openSampleBatch()
            schemaBefore = try store.database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            }
        }
        let reopened = try fixture.openSQLite()
        #expect(try reopened.database.appliedMigrations() == LabMigrations.names)
        let schemaAfter = try reopened.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
        #expect(schemaAfter == schemaBefore)
        #expect(try reopened.counts().batches == 1)
        let migrationRows = try reopened.database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
        }
        #expect(migrationRows == LabMigrations.names.count)
    }

    @Test("a database migrated by a newer program is refused, not touched")
    func newerDatabaseRefused() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        do {
            let store = try fixture.openSQLite()
            try store.database.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
            }
        }
        #expect(throws: LabStoreError.databaseIsNewer(unknownMigrations: ["v99-future"])) {
            try fixture.openSQLite()
        }
    }

    @Test("a path that cannot be created is a cannotOpen error")
    func cannotOpen() throws {
        let path = "/nonexistent-\(UUID().uuidString)/tld.sqlite"
        do {
            _ = try LabDatabase.open(path: path, logger: StoreFixture.logger)
            Issue.record("opening \(path) should fail")
        } catch {
            guard case let .cannotOpen(failedPath, reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(!reason.isEmpty)
            #expect(error.description.contains(path))
        }
    }

    @Test("a saved reading is visible to a separate connection as soon as the save returns")
    func committedBeforeReturn() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        let saved = try store.saveElementReading(Samples.storedReading(batch: batchID, card: "C-1", element: 1))
        // A second, independent connection (another program) sees the committed row.
        let path = try #require(fixture.databasePath)
        let other = try DatabaseQueue(path: path)
        let count = try other.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM elementReading WHERE id = ?", arguments: [saved.id])
        }
        #expect(count == 1)
    }
}
