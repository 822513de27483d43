import Foundation
import Testing
@testable import LabStore
@testable import LabStorePostgres

/// The PostgreSQL schema enforces what SQLite's does, in the database itself (issue 15): raw
/// readings and manifest rows immutable, CHECKs without NULL holes, one open batch per source, the
/// durability setting, and migrations recorded once.
@Suite("PostgreSQL schema: interlocks and migrations", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresSchemaTests {
    func open() throws -> (StoreFixture, PostgresLabStore) {
        let fixture = try StoreBackend.postgres.makeFixture()
        let url = try #require(fixture.postgresURL)
        return (fixture, try PostgresLabStore.open(url: url, logger: StoreFixture.logger, now: fixture.clock.now))
    }

    func sql(_ store: PostgresLabStore, _ statement: String) throws(LabStoreError) {
        try store.withSession("test") { session in try session.execute(statement) }
    }

    @Test("raw readings cannot be updated, deleted or truncated; manifest rows cannot be updated")
    func immutability() throws {
        let (_, store) = try open()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batch, elements: 1...1)
        try store.saveManifest([BatchCard(batchID: batch, cardID: "C-1", role: .worker, annealedAt: nil)])
        for statement in ["UPDATE elementReading SET element = 2", "DELETE FROM elementReading", "TRUNCATE elementReading CASCADE"] {
            #expect(throws: LabStoreError.self, "\(statement)") { try sql(store, statement) }
        }
        #expect(throws: LabStoreError.immutableRow(message: "batch manifest rows are immutable")) {
            try sql(store, "UPDATE batchCard SET role = 'control'")
        }
        #expect(try store.readings(batch: batch).count == 1)
        #expect(try store.manifest(batch: batch).first?.role == .worker)
    }

    @Test("a stored row without its curve, a lost row without a reason, a second open batch per source are refused by the database")
    func checks() throws {
        let (_, store) = try open()
        let batch = try #require(try store.openSampleBatch(source: "reader:X").id)
        let insert = "INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt) VALUES (\(batch.rawValue), 'C-9', 1, "
        #expect(throws: LabStoreError.self) { try sql(store, insert + "'stored', NULL, now())") }
        #expect(throws: LabStoreError.self) { try sql(store, insert + "'lost', '  ', now())") }
        #expect(throws: LabStoreError.self) { try sql(store, insert + "'absent', 'why', now())") }
        try sql(store, insert + "'absent', NULL, now())")
        #expect(throws: LabStoreError.self) {
            try sql(store, """
                INSERT INTO readoutBatch (groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
                                          timeTemperatureProfile, source, state)
                VALUES ('B2', now(), 'm', 's', 'f', 4, '{}', 'reader:X', 'open')
                """)
        }
        #expect(throws: LabStoreError.batchAlreadyOpen(source: "reader:X", existing: batch)) {
            try store.openSampleBatch(source: "reader:X")
        }
        #expect(try store.readings(batch: batch).map(\.status) == [.absent])
    }

    @Test("every session commits synchronously, whatever the server's default")
    func synchronousCommit() throws {
        let (_, store) = try open()
        let setting = try store.withSession("test") { session in try session.query("SHOW synchronous_commit").first?.decode(String.self) }
        #expect(setting == "on")
    }

    @Test("migrations are recorded once; opening again applies nothing; an unknown migration is refused")
    func migrations() throws {
        let (fixture, store) = try open()
        #expect(try store.migrationStatus() == PostgresMigrations.Status(applied: PostgresMigrations.names, pending: [], unknown: []))
        #expect(try store.migrate() == [])
        let url = try #require(fixture.postgresURL)
        _ = try PostgresLabStore.open(url: url, logger: StoreFixture.logger)
        try sql(store, "INSERT INTO tld_schema_migrations (name) VALUES ('pg99-future')")
        #expect(throws: LabStoreError.databaseIsNewer(unknownMigrations: ["pg99-future"])) {
            try PostgresLabStore.open(url: url, logger: StoreFixture.logger)
        }
    }

    @Test("a URL names its server, user, database and schema; a bad one is refused; the password never shows")
    func urls() throws {
        let tcp = try PostgresURL(parsing: "postgres://lab:secret@db.example:5433/tld?schema=lab2")
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 5433))
        #expect(tcp.user == "lab" && tcp.password == "secret" && tcp.database == "tld" && tcp.schema == "lab2")
        #expect(!tcp.description.contains("secret"))
        let socket = try PostgresURL(parsing: "postgresql://lab@/tld?host=/run/postgresql")
        #expect(socket.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        for bad in ["postgres://db/tld", "postgres://lab@db/", "postgres://lab@db/tld?schema=Bad-Name", "tld.sqlite"] {
            #expect(throws: PostgresURL.Invalid.self, "\(bad)") { try PostgresURL(parsing: bad) }
        }
    }
}
