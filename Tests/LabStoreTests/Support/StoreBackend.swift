import Foundation
import Logging
@testable import LabStore

/// The backends the store contract runs against. A PostgreSQL backend becomes one more case.
enum StoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    /// A SQLite file in a fresh temporary directory (DatabasePool, WAL): the production set-up.
    case sqliteFile
    /// A SQLite in-memory database (DatabaseQueue): no file, cannot be reopened.
    case sqliteInMemory

    var description: String { rawValue }

    /// Whether a second ``StoreFixture/open()`` sees what the first one wrote.
    var persists: Bool {
        switch self {
        case .sqliteFile: true
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

    static let logger = Logger(label: "LabStoreTests", factory: { _ in SwiftLogNoOpLogHandler() })

    init(backend: StoreBackend) throws {
        self.backend = backend
        switch backend {
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("LabStoreTests-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
        case .sqliteInMemory:
            directory = nil
        }
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    /// The SQLite file of the `sqliteFile` backend.
    var databasePath: String? { directory?.appendingPathComponent("tld.sqlite").path }

    /// Opens the store (again).
    func open() throws -> any LabStore {
        try openSQLite()
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
