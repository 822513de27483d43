import Foundation
import GRDB
import LabStore
import Logging

/// The ``DoseStore`` on SQLite, through GRDB.
///
/// ```swift
/// let store = try SQLiteLabStore.open(path: "tld.sqlite", logger: logger)
/// let batch = try store.openBatch(groupID: "MAG-07", reader: identity, elementsPerCard: 4,
///                                 timeTemperatureProfile: profile, source: "/dev/ttyUSB0")
/// ```
///
/// Each method is one GRDB `write` (one transaction, committed before it returns) or one `read`.
/// The checks that span rows (is the batch open? is the element already recorded?) run inside the
/// same transaction as the insert, and GRDB serialises writes, so no other write can slip between.
public struct SQLiteLabStore: DoseStore {
    /// The open, migrated database.
    public let database: LabDatabase
    let now: @Sendable () -> Date
    let logger: Logger

    /// - Parameters:
    ///   - now: the clock that stamps `createdAt`, `finishedAt`, `supersededAt` and the time of a
    ///     lost element (tests pass a fixed clock).
    public init(database: LabDatabase, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.logger = logger
        self.now = now
    }

    /// Opens (creating and migrating if needed) the SQLite file at `path`.
    public static func open(
        path: String, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(LabStoreError) -> SQLiteLabStore {
        SQLiteLabStore(database: try LabDatabase.open(path: path, logger: logger), logger: logger, now: now)
    }

    /// A store on a fresh in-memory database (tests, dry runs).
    public static func inMemory(
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(LabStoreError) -> SQLiteLabStore {
        SQLiteLabStore(database: try LabDatabase.inMemory(logger: logger), logger: logger, now: now)
    }

    // MARK: Access helpers

    /// One write transaction; any error is rolled back and turned into a ``LabStoreError``.
    func write<T>(
        _ operation: String, table: String = "", _ updates: (Database) throws -> T
    ) throws(LabStoreError) -> T {
        do {
            return try database.writer.write(updates)
        } catch {
            throw LabStoreError.wrapping(error, operation: operation, table: table)
        }
    }

    /// One read; any error is turned into a ``LabStoreError``.
    func read<T>(
        _ operation: String, table: String = "", _ value: (Database) throws -> T
    ) throws(LabStoreError) -> T {
        do {
            return try database.writer.read(value)
        } catch {
            throw LabStoreError.wrapping(error, operation: operation, table: table)
        }
    }

    /// Reads back a row just inserted, so the caller gets exactly what the database holds
    /// (dates at the database's millisecond precision, JSON as stored).
    static func refetch<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, id: RecordID<Record>?, in db: Database
    ) throws -> Record {
        guard let id, let record = try Record.fetchOne(db, key: id) else {
            throw LabStoreError.unexpected(
                operation: "read back \(Record.databaseTableName)",
                message: "the row just written is missing")
        }
        return record
    }

    /// The batch, or ``LabStoreError/batchNotFound(_:)``.
    static func existingBatch(_ id: ReadoutBatch.ID, in db: Database) throws -> ReadoutBatch {
        guard let batch = try ReadoutBatch.fetchOne(db, key: id) else { throw LabStoreError.batchNotFound(id) }
        return batch
    }
}
