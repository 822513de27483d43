import Foundation
import LabStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The lab store on PostgreSQL: several benches write into one database at once. It plays every role
/// of the store contract that the SQLite store plays: readout (``ReadoutStore``), doses and the
/// calibration history (``DoseStore``, ``CalibrationStore``), master data and the national-ID key
/// (``MasterDataStore``, ``NationalIDKeyStore``), the lab records and the card cycle
/// (``LabRecordStore``, ``CardCycleStore``), evaluation, dispatch and charges, dose records and the
/// registry, cases and annual reviews, and the customer portal — each in its
/// `PostgresLabStore+<Role>.swift` file, with SQLite's checks in the same order and the same errors.
///
/// **Blocking bridge (why it cannot deadlock).** The store contract is synchronous (a method returns
/// after its transaction committed). postgres-nio runs the wire protocol on a SwiftNIO event loop;
/// this store owns a one-thread `MultiThreadedEventLoopGroup` and uses postgres-nio's
/// `EventLoopFuture` API, waiting with `EventLoopFuture.wait()`. The work that completes the future
/// runs on that private NIO thread, never on Swift's cooperative pool and never on the waiting
/// thread, so a caller blocked on the cooperative pool (e.g. the readout loop's sink) cannot starve
/// its own completion — unlike bridging to the async API with a semaphore around a `Task`, which
/// needs a free cooperative thread to finish and deadlocks when the pool is exhausted. The cost is
/// the same as SQLite's: the calling thread blocks for one round trip plus the server's commit.
///
/// **Durability.** Each session sets `synchronous_commit = on`: COMMIT returns only after the
/// server flushed the WAL, so a curve is durable before ``saveReadoutCurve(batch:card:element:readAt:curve:)``
/// returns and the driver releases the element on the reader.
///
/// One connection per store, one transaction at a time (a lock); a bench is one process with its
/// own store. A connection the server dropped is replaced on the next call.
public final class PostgresLabStore: DoseStore, @unchecked Sendable {
    // @unchecked: `connection` and `statements` are only touched under `lock`; everything else is immutable.
    public let url: PostgresURL
    let logger: Logger
    let now: @Sendable () -> Date
    private let group: MultiThreadedEventLoopGroup
    private let lock = NSLock()
    private var connection: PostgresConnection?
    /// The prepared statements of `connection` (a new connection starts with none).
    private var statements = PostgresPreparedStatements()
    /// A connection was opened once: failing to open another is an outage (temporary), not a wrong URL.
    private var connectedOnce = false

    /// The backend's name in messages ("PostgreSQL").
    public static let backendName = "PostgreSQL"

    private init(url: PostgresURL, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.url = url
        self.logger = logger
        self.now = now
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    deinit {
        // postgres-nio requires a connection closed before it is released; the store is never
        // released on its own event loop thread, so waiting here is safe.
        if let connection { Self.closeAndWait(connection) }
        try? group.syncShutdownGracefully()
    }

    private static func closeAndWait(_ connection: PostgresConnection) {
        try? (connection.close() as EventLoopFuture<Void>).wait()
    }

    /// Connects and brings the schema up to date (``PostgresMigrations``), as ``SQLiteLabStore/open(path:logger:now:)`` does.
    ///
    /// - Throws: ``LabStoreError/cannotOpen(path:reason:)`` when the server cannot be reached or refuses
    ///   the login; ``LabStoreError/databaseIsNewer(unknownMigrations:)``; ``LabStoreError/migrationFailed(reason:)``.
    public static func open(
        url: PostgresURL, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }, migrate: Bool = true
    ) throws(LabStoreError) -> PostgresLabStore {
        let store = PostgresLabStore(url: url, logger: logger, now: now)
        try store.withSession("connect") { _ in }
        if migrate { _ = try store.migrate() }
        return store
    }

    /// Closes the connection (also done when the store is released).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if let connection { Self.closeAndWait(connection) }
        connection = nil
    }

    // MARK: Sessions and transactions

    /// Runs `body` on the connection (opened or re-opened when needed), one caller at a time.
    func withSession<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws(LabStoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        let session: PostgresSession
        do {
            session = PostgresSession(connection: try currentConnection(), logger: logger, statements: statements)
        } catch {
            // The server went away after this store had reached it (stopped, restarting, recovering
            // after a crash): temporary, the caller may wait and try again (sysexits 75).
            if connectedOnce {
                throw LabStoreError.databaseUnreachable(operation: operation, reason: "PostgreSQL: \(PostgresErrorMapping.reason(error))")
            }
            throw LabStoreError.cannotOpen(path: url.description, reason: PostgresErrorMapping.reason(error))
        }
        do {
            return try body(session)
        } catch let error as LabStoreError {
            throw error
        } catch {
            let mapped = PostgresErrorMapping.map(error, operation: operation)
            if PostgresErrorMapping.isConnectionLost(error) {
                if let connection { Self.closeAndWait(connection) }
                connection = nil
            }
            throw mapped
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED, as SQLite's single writer sees it: every
    /// statement sees what committed before it), committed durably before this returns.
    func transaction<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws(LabStoreError) -> T {
        try withSession(operation) { session in
            try session.execute("BEGIN")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func currentConnection() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        var configuration: PostgresConnection.Configuration
        switch url.endpoint {
        case let .tcp(host, port):
            configuration = .init(host: host, port: port, username: url.user, password: url.password, database: url.database, tls: .disable)
        case let .unixSocket(path):
            configuration = .init(unixSocketPath: path, username: url.user, password: url.password, database: url.database)
        }
        configuration.options.connectTimeout = .seconds(10)
        let opened = try PostgresConnection.connect(
            on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
        let session = PostgresSession(connection: opened, logger: logger, statements: PostgresPreparedStatements())
        do {
            // The durability rule: COMMIT waits for the WAL flush (whatever the server's default is).
            try session.execute("SET synchronous_commit TO on")
            try session.execute("SET TIME ZONE 'UTC'")
            if let schema = url.schema {
                // A valid name (PostgresURL checks it): no quoting needed.
                try session.execute("SET search_path TO \(schema)")
            }
        } catch {
            Self.closeAndWait(opened)
            throw error
        }
        connection = opened
        statements = PostgresPreparedStatements()
        connectedOnce = true
        logger.info("connected to PostgreSQL", metadata: ["database": "\(url)"])
        return opened
    }
}

/// One connection in use: runs statements and waits for their results (see the bridge note on
/// ``PostgresLabStore``).
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    let statements: PostgresPreparedStatements

    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> [PostgresRow] {
        try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait().rows
    }

    func execute(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws {
        _ = try query(sql, binds)
    }

    /// Runs `sql` as a named prepared statement of this connection (``PostgresPreparedStatements``:
    /// every parameter cast in the SQL to the type of its value in `values`).
    func queryPrepared(_ sql: String, _ values: [PostgresData]) throws -> [PostgresRow] {
        try statements.statement(sql, on: connection).execute(values).wait()
    }
}

/// Stored times have millisecond precision on both backends (SQLite keeps "yyyy-MM-dd HH:mm:ss.SSS").
func storedTime(_ date: Date) -> Date {
    Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
}
