import Foundation
import LabStore
import PostgresNIO

/// The PostgreSQL schema's timeline, tracked in the table `tld_schema_migrations` (one row per applied
/// migration, like GRDB's `grdb_migrations` on SQLite). Each migration runs in its own transaction
/// under an advisory lock, so two benches starting at once never apply one twice.
public enum PostgresMigrations {
    /// The migrations, in order. A shipped one is never edited: append a new one.
    static let all: [(name: String, statements: [String])] = [
        (PostgresReadoutMigration.name, PostgresReadoutMigration.statements),
        (PostgresDoseMigration.name, PostgresDoseMigration.statements),
        (PostgresLabRecordsMigration.name, PostgresLabRecordsMigration.statements),
        (PostgresDoseRecordsMigration.name, PostgresDoseRecordsMigration.statements),
        (PostgresCasesMigration.name, PostgresCasesMigration.statements),
        (PostgresPortalMigration.name, PostgresPortalMigration.statements),
    ]

    public static var names: [String] { all.map(\.name) }

    /// Where a database stands.
    public struct Status: Sendable, Equatable {
        public var applied: [String]
        public var pending: [String]
        /// Applied by a newer program: this one must not write to the database.
        public var unknown: [String]
    }

    /// An arbitrary constant key for `pg_advisory_xact_lock`: "tld-migrate".
    static let lockKey: Int64 = 0x746C_642D_6D69_67

    static let createTable = """
        CREATE TABLE IF NOT EXISTS tld_schema_migrations (
            name text PRIMARY KEY,
            appliedAt timestamptz NOT NULL DEFAULT now()
        )
        """
}

extension PostgresLabStore {
    /// Which migrations the database has, lacks, or has from a newer program.
    public func migrationStatus() throws(LabStoreError) -> PostgresMigrations.Status {
        try withSession("read migration status") { session in
            let exists = try session.query("SELECT to_regclass('tld_schema_migrations') IS NOT NULL")
            let applied: [String] = try exists.first?.decode(Bool.self) == true
                ? session.query("SELECT name FROM tld_schema_migrations ORDER BY appliedAt, name").map { try $0.decode(String.self) }
                : []
            let known = Set(PostgresMigrations.names)
            return PostgresMigrations.Status(
                applied: applied.filter(known.contains),
                pending: PostgresMigrations.names.filter { !applied.contains($0) },
                unknown: applied.filter { !known.contains($0) })
        }
    }

    /// Applies the pending migrations; returns their names (empty when the schema was up to date).
    ///
    /// - Throws: ``LabStoreError/databaseIsNewer(unknownMigrations:)`` when the database has migrations
    ///   this program does not know; ``LabStoreError/migrationFailed(reason:)``.
    @discardableResult
    public func migrate() throws(LabStoreError) -> [String] {
        let before = try migrationStatus()
        guard before.unknown.isEmpty else { throw LabStoreError.databaseIsNewer(unknownMigrations: before.unknown) }
        guard !before.pending.isEmpty else { return [] }
        var done: [String] = []
        for migration in PostgresMigrations.all {
            do {
                let applied = try transaction("migrate \(migration.name)") { session -> Bool in
                    var key = PostgresBindings()
                    key.append(PostgresMigrations.lockKey)
                    try session.execute("SELECT pg_advisory_xact_lock($1)", key)
                    try session.execute(PostgresMigrations.createTable)
                    var name = PostgresBindings()
                    name.append(migration.name)
                    // Another bench may have applied it while this one waited for the lock.
                    guard try session.query("SELECT 1 FROM tld_schema_migrations WHERE name = $1", name).isEmpty else { return false }
                    for statement in migration.statements { try session.execute(statement) }
                    try session.execute("INSERT INTO tld_schema_migrations (name) VALUES ($1)", name)
                    return true
                }
                if applied { done.append(migration.name) }
            } catch {
                throw LabStoreError.migrationFailed(reason: "\(migration.name): \(error)")
            }
        }
        logger.notice("migrated the PostgreSQL lab database", metadata: ["migrations": "\(done)", "database": "\(url)"])
        return done
    }
}
