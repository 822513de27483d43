import Foundation
import LabStorePostgres
import Logging
@testable import LabStore
@testable import LabStoreSQLite

/// The backends the store contract runs against.
///
/// `allCases` are the backends with every store role; ``readoutRole`` and ``labStoreRole`` add those
/// that so far implement only ``ReadoutStore`` and ``DoseStore``: PostgreSQL, in a fresh database per test on
/// the server of `TLD_TEST_POSTGRES_URL` (scripts/pg-test-cluster.sh starts one; `make test` does).
enum StoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    /// A SQLite file in a fresh temporary directory (DatabasePool, WAL): the production set-up.
    case sqliteFile
    /// A SQLite in-memory database (DatabaseQueue): no file, cannot be reopened.
    case sqliteInMemory
    /// PostgreSQL: a new database on the test cluster (the readout role and the rest of ``DoseStore``, so far).
    case postgres

    /// The backends with the whole store contract.
    static let allCases: [StoreBackend] = [.sqliteFile, .sqliteInMemory]

    /// The backends of the readout role's contract. PostgreSQL is among them when the test cluster's
    /// URL is set, and also when it is not but CI=true: there its fixture fails (CI must run them).
    /// Locally without the URL they are left out, with the reason printed once.
    static let readoutRole: [StoreBackend] = {
        if PostgresTestServer.url != nil || PostgresTestServer.isCI { return allCases + [.postgres] }
        print("LabStoreTests: the PostgreSQL contract cases are skipped: TLD_TEST_POSTGRES_URL is not set "
              + "(run `make test`, or eval \"$(scripts/pg-test-cluster.sh start)\" first)")
        return allCases
    }()

    /// The backends of the ``DoseStore`` contract (readout, doses, calibrations, counts): since issue 15
    /// PostgreSQL implements it too, so the same list as ``readoutRole``. `allCases` stays the list of
    /// backends with every role (evaluation, dispatch, cases, …): SQLite only, so far.
    static var labStoreRole: [StoreBackend] { readoutRole }

    /// The backends of the master-data and national-ID key roles (``MasterDataStore``,
    /// ``NationalIDKeyStore``): PostgreSQL implements them too since issue 15.
    static var masterDataRole: [StoreBackend] { readoutRole }

    /// The backends of the lab-records role (``LabRecordStore``: customers to zeroing): PostgreSQL
    /// implements it too since issue 15.
    static var labRecordRole: [StoreBackend] { readoutRole }

    var description: String { rawValue }

    /// Whether a second ``StoreFixture/open()`` sees what the first one wrote.
    var persists: Bool {
        switch self {
        case .sqliteFile, .postgres: true
        case .sqliteInMemory: false
        }
    }

    static var persistent: [StoreBackend] { allCases.filter(\.persists) }

    func makeFixture() throws -> StoreFixture {
        try StoreFixture(backend: self)
    }
}

/// A store factory for one test: each ``open()`` opens the same backing store again (for the
/// in-memory backend, the same store object). Removes its temporary directory when released.
final class StoreFixture {
    let backend: StoreBackend
    let clock = TestClock()
    let directory: URL?
    private var memoryStore: SQLiteLabStore?
    /// The `postgres` backend's own schema on the test cluster (left there: the cluster is temporary,
    /// and a store opened from this fixture may outlive it).
    let postgresURL: PostgresURL?

    static let logger = Logger(label: "LabStoreTests", factory: { _ in SwiftLogNoOpLogHandler() })

    init(backend: StoreBackend) throws {
        self.backend = backend
        switch backend {
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("LabStoreTests-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
            postgresURL = nil
        case .sqliteInMemory:
            directory = nil
            postgresURL = nil
        case .postgres:
            directory = nil
            postgresURL = try PostgresTestServer.createDatabase()
        }
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The SQLite file of the `sqliteFile` backend.
    var databasePath: String? { directory?.appendingPathComponent("tld.sqlite").path }

    /// Opens the store (again) for the ``DoseStore`` contract: any backend.
    func open() throws -> any DoseStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }

    /// Opens the store (again) for the readout role's contract: any backend.
    func openReadout() throws -> any ReadoutStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }

    /// Opens the store (again) for the master-data and national-ID key roles: any backend.
    func openMasterData() throws -> any MasterDataStore & NationalIDKeyStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }

    /// Opens the store (again) for the lab-records role: any backend.
    func openLabRecords() throws -> any LabRecordStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }

    /// Puts cards into the stock (the lab records role on SQLite; a raw copy on PostgreSQL, which
    /// has no card-stock method yet), for tests of the roles that use cards.
    func addCards(_ cards: [Card]) throws {
        if let postgresURL {
            let store = try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
            let stamp = "2026-01-01 00:00:00.000"
            try store.copyIn([LabTableRows(
                table: "card", columns: ["id", "dosimeterType", "elementCount", "state", "stateChangedAt", "lastBatchID", "currentIssueID"],
                rows: cards.map { [.text($0.id), .text($0.dosimeterType.rawValue), .integer(Int64($0.elementCount)),
                                   .text($0.state.rawValue), .text(stamp), .null, .null] })])
            return
        }
        try openSQLite().addCards(cards)
    }

    /// Opens the store (again) as the concrete SQLite store, for SQLite-only tests.
    func openSQLite() throws -> SQLiteLabStore {
        if let databasePath {
            return try SQLiteLabStore.open(path: databasePath, logger: Self.logger, now: clock.now)
        }
        if let memoryStore { return memoryStore }
        let store = try SQLiteLabStore.inMemory(logger: Self.logger, now: clock.now)
        memoryStore = store
        return store
    }
}

/// The PostgreSQL server of the tests (`TLD_TEST_POSTGRES_URL`): one database per fixture.
enum PostgresTestServer {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static var url: PostgresURL? {
        guard let text = ProcessInfo.processInfo.environment["TLD_TEST_POSTGRES_URL"], !text.isEmpty else { return nil }
        return try? PostgresURL(parsing: text)
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "TLD_TEST_POSTGRES_URL is not set or not a postgres:// URL, and CI=true: the PostgreSQL tests must run "
                + "(make test starts a private cluster with scripts/pg-test-cluster.sh)"
        }
    }

    /// A new empty schema on the test server, as the URL of a lab.
    static func createDatabase() throws -> PostgresURL {
        guard let server = url else { throw Missing() }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return try PostgresDatabaseAdmin.createSchema(named: name, on: server, logger: StoreFixture.logger)
    }
}

extension ReadoutStore {
    /// The readout role's part of ``LabStoreCounts`` (batches and elements), from the role's own
    /// methods, so the same assertion holds on every backend.
    func readoutCounts() throws -> LabStoreCounts {
        let all = try batches()
        var counts = LabStoreCounts(batches: all.count, openBatches: all.filter { $0.state == .open }.count)
        for batch in all {
            guard let id = batch.id else { continue }
            for reading in try readings(batch: id) {
                switch reading.status {
                case .stored: counts.storedElements += 1
                case .lost: counts.lostElements += 1
                case .absent: counts.absentElements += 1
                }
            }
        }
        return counts
    }
}
