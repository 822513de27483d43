import Foundation
import GRDB
import LabStore
import Logging

/// An open, migrated lab database: one SQLite file (or an in-memory database for tests).
///
/// ```swift
/// let database = try LabDatabase.open(path: "tld.sqlite", logger: logger)
/// let store = SQLiteLabStore(database: database, logger: logger)
/// ```
///
/// A file is opened as a GRDB `DatabasePool` (one writer connection, concurrent readers) with:
/// - WAL journal mode (https://sqlite.org/wal.html): readers never block the writer;
/// - `PRAGMA synchronous = FULL` on the writer connection, so that a transaction that has
///   committed survives a power loss or an operating-system crash (on storage that honours
///   fsync). GRDB sets `synchronous = NORMAL` when it enables WAL, and the SQLite documentation
///   (https://www.sqlite.org/pragma.html#pragma_synchronous) says of that setting:
///   "WAL mode is always consistent with synchronous=NORMAL, but WAL mode does lose durability.
///   A transaction committed in WAL mode with synchronous=NORMAL might roll back following a
///   power loss or system crash", while with FULL "an additional sync operation of the WAL file
///   happens after each transaction commit". The reader must not release a curve (erase its only
///   copy) until the curve is durable, so this store pays for the extra sync;
/// - foreign keys enforced (https://sqlite.org/foreignkeys.html, `PRAGMA foreign_keys = ON`);
/// - a busy timeout (``busyTimeoutSeconds``, `sqlite3_busy_timeout`) so a second program on the
///   same file waits for the lock instead of failing at once.
///
/// Opening runs every pending migration (see `LabMigrations`) before it returns. Before that, a file
/// that is not a lab database (another program's SQLite file) is refused and left untouched, and a
/// lab database gets the lab's SQLite application ID (``LabDatabaseIdentity``). Two programs that
/// open a new file at the same moment both end with one fully migrated database: a migration that
/// failed because the other program applied it first is not an error.
public struct LabDatabase: Sendable {
    /// The GRDB connection: a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// The database file, or nil for an in-memory database.
    public let path: String?

    /// How long a write waits for a lock held by another connection before it fails.
    public static let busyTimeoutSeconds: TimeInterval = 5

    private init(writer: any DatabaseWriter, path: String?) {
        self.writer = writer
        self.path = path
    }

    /// Opens (creating if needed) the lab database file at `path` and migrates it.
    ///
    /// Wraps `sqlite3_open_v2` through GRDB's `DatabasePool(path:configuration:)`.
    /// - Throws: ``LabStoreError/notALabDatabase(path:reason:)`` (nothing written),
    ///   ``LabStoreError/cannotOpen(path:reason:)``, ``LabStoreError/migrationFailed(reason:)``
    ///   or ``LabStoreError/databaseIsNewer(unknownMigrations:)``.
    public static func open(path: String, logger: Logger) throws(LabStoreError) -> LabDatabase {
        try LabDatabaseIdentity.check(path: path)
        let pool = try openPool(path: path, logger: logger)
        let database = LabDatabase(writer: pool, path: path)
        logger.info("opened lab database", metadata: ["path": "\(path)"])
        try database.migrate(logger: logger)
        return database
    }

    /// The file as a WAL-mode pool, its writer at synchronous = FULL and stamped with the lab's ID.
    private static func openPool(path: String, logger: Logger) throws(LabStoreError) -> DatabasePool {
        // Switching a new file to WAL takes an exclusive lock, and SQLite answers a second program
        // doing the same at that moment with SQLITE_BUSY at once, without its busy handler (a known
        // limit of `PRAGMA journal_mode`; seen when several programs start on a new file together).
        // The switch is done once per file: retry for as long as a busy write would wait.
        let deadline = ContinuousClock.now + .milliseconds(Int64(busyTimeoutSeconds * 1000))
        var attempt = 0
        while true {
            do {
                let pool = try DatabasePool(path: path, configuration: makeConfiguration(writeAheadLog: true))
                // GRDB's WAL set-up (run after `prepareDatabase`) leaves the writer at
                // synchronous = NORMAL; raise it to FULL on the one connection that writes.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                    try LabDatabaseIdentity.stamp(db)
                }
                return pool
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                attempt += 1
                logger.debug("lab database busy while it is set up; trying again", metadata: ["attempt": "\(attempt)"])
                usleep(UInt32.random(in: 2_000...20_000))
            } catch {
                throw .cannotOpen(path: path, reason: "\(error)")
            }
        }
    }

    /// Opens a new, empty, migrated in-memory database. It vanishes with the last reference.
    ///
    /// For tests and dry runs; it has no WAL (SQLite's in-memory databases cannot use one).
    public static func inMemory(logger: Logger) throws(LabStoreError) -> LabDatabase {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: makeConfiguration(writeAheadLog: false))
        } catch {
            throw .cannotOpen(path: ":memory:", reason: "\(error)")
        }
        let database = LabDatabase(writer: queue, path: nil)
        do { try queue.writeWithoutTransaction(LabDatabaseIdentity.stamp) } catch {
            throw .cannotOpen(path: ":memory:", reason: "\(error)")
        }
        try database.migrate(logger: logger)
        return database
    }

    static func makeConfiguration(writeAheadLog: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.journalMode = writeAheadLog ? .wal : .default
        configuration.label = "LabStore"
        return configuration
    }

    private func migrate(logger: Logger) throws(LabStoreError) {
        let migrator = LabMigrations.makeMigrator()
        let known = Set(migrator.migrations)
        // GRDB reads the applied migrations outside the transactions that apply them, so a program
        // opening a new file at the same moment as another may try a migration the other has just
        // applied, and fail ("table … already exists"; rolled back, nothing changed). Then the set of
        // applied migrations has grown: read it again and go on. Each migration is one transaction.
        var attempts = 0
        while true {
            let applied = try appliedIdentifiers(migrator)
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else {
                throw .databaseIsNewer(unknownMigrations: unknown.sorted())
            }
            let pending = migrator.migrations.filter { !applied.contains($0) }
            guard !pending.isEmpty else { return }
            do {
                try migrator.migrate(writer)
                // The reader connection that read the applied migrations above still holds SQLite's
                // schema of before the migration: a statement it prepares on a table the migration
                // rebuilt (v12-portal2: portalAccount) gets the old column list, which GRDB keeps after
                // SQLite re-prepares it, and the row is misread. One statement on that reader makes
                // SQLite load the new schema (the schema cookie check of OP_Transaction).
                try writer.read { db in
                    db.clearSchemaCache()
                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                }
                logger.notice("migrated lab database", metadata: ["migrations": "\(pending.joined(separator: ", "))"])
                return
            } catch {
                attempts += 1
                let now = (try? appliedIdentifiers(migrator)) ?? applied
                guard now != applied, attempts <= migrator.migrations.count + 1 else {
                    throw .migrationFailed(reason: "\(error)")
                }
                logger.info("another program migrated the database at the same time; checking again")
            }
        }
    }

    private func appliedIdentifiers(_ migrator: DatabaseMigrator) throws(LabStoreError) -> Set<String> {
        do {
            return try writer.read { db in
                try db.tableExists("grdb_migrations") ? try migrator.appliedIdentifiers(db) : []
            }
        } catch {
            throw .migrationFailed(reason: "\(error)")
        }
    }

    /// The migrations applied to this database, in order.
    public func appliedMigrations() throws(LabStoreError) -> [String] {
        do {
            return try writer.read { db in try LabMigrations.makeMigrator().appliedMigrations(db) }
        } catch {
            throw LabStoreError.wrapping(error, operation: "list migrations")
        }
    }
}
