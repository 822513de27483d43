import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite
import Logging

/// `tld db`: the lab database's schema, on SQLite or PostgreSQL.
struct DbCommand: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "The lab database's schema: bring it up to date, or show where it stands (SQLite or PostgreSQL).",
        discussion: """
            --database FILE (or TLD_DATABASE) names a SQLite file, the default ./tld.sqlite; \
            --database postgres://user@host/db a PostgreSQL database (unix socket: \
            postgres://user@/db?host=/socket/directory). On PostgreSQL `tld db migrate` creates the whole \
            lab schema — every table of SQLite's, with the same columns, constraints, indexes and \
            interlock triggers (no card zeroed or reissued before its dose is released, released doses, \
            raw readings and audit trails immutable, one open batch per reader). The store methods on \
            PostgreSQL so far are the readout's, the dose versions' and the calibration history's; \
            commands that need another role refuse a postgres:// database. Migrations are recorded in \
            the table tld_schema_migrations.
            """,
        subcommands: [DbMigrate.self, DbStatus.self, DbCopy.self])
}

struct DbMigrate: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending schema migrations (creates the schema in an empty database or a new SQLite file).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        if store.isPostgres {
            let pg = try PostgresLabStore.open(url: try store.postgresURL(), logger: logger, migrate: false)
            defer { pg.close() }
            let applied = try pg.migrate()
            let status = try pg.migrationStatus()
            print(DbStatus.migrated(applied, total: status.applied.count, database: "PostgreSQL \(pg.url)"))
        } else {
            let before = FileManager.default.fileExists(atPath: store.path) ? try LabDatabase.recordedMigrations(path: store.path) : []
            let lab = try store.openOrCreate(logger: logger)  // opening migrates
            let after = try lab.database.appliedMigrations()
            print(DbStatus.migrated(after.filter { !before.contains($0) }, total: after.count, database: "SQLite \(store.path)"))
        }
    }
}

struct DbStatus: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the schema migrations applied to the lab database and those pending, and what the lab holds (changes nothing).",
        discussion: """
            When the schema is up to date it also counts what the lab holds: readout batches (open), \
            element readings (stored, lost, absent), dose versions (current, released) and calibration \
            records — the same figures on SQLite and PostgreSQL.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        let database: String
        let known: [String]
        let applied: [String]
        var holdings: LabStoreCounts?
        if store.isPostgres {
            let pg = try PostgresLabStore.open(url: try store.postgresURL(), logger: logger, migrate: false)
            defer { pg.close() }
            let status = try pg.migrationStatus()
            database = "PostgreSQL \(pg.url) (\(PostgresUnsupported.roles))"
            known = PostgresMigrations.names
            applied = status.applied + status.unknown
            if status.pending.isEmpty && status.unknown.isEmpty { holdings = try pg.counts() }
        } else {
            guard FileManager.default.fileExists(atPath: store.path) else { throw ToolError.noDatabase(path: store.path) }
            database = "SQLite \(store.path)"
            known = LabDatabase.knownMigrations
            applied = try LabDatabase.recordedMigrations(path: store.path)
            // Read-only, like the migrations: status never writes to the file.
            if Set(known).subtracting(applied).isEmpty && Set(applied).subtracting(known).isEmpty {
                holdings = try SQLiteLabStore.counts(readOnlyPath: store.path)
            }
        }
        let pending = known.filter { !applied.contains($0) }
        let unknown = applied.filter { !known.contains($0) }
        print("\(database): \(applied.count) migration\(applied.count == 1 ? "" : "s") applied, \(pending.count) pending.")
        for name in applied { print("  applied  \(name)\(known.contains(name) ? "" : "  (unknown to this program: written by a newer tld)")") }
        for name in pending { print("  pending  \(name)") }
        if let holdings { print(Self.describe(holdings)) }
        if !pending.isEmpty { print("Run `tld db migrate` to apply the pending migrations.") }
        if !unknown.isEmpty {
            throw CommandFailure("the database was written by a newer tld (unknown migrations: \(unknown.joined(separator: ", ")))", status: .config)
        }
    }

    /// What the lab holds, in one line (LabStore.counts(), the same on both backends).
    static func describe(_ c: LabStoreCounts) -> String {
        "Holds \(c.batches) readout batches (\(c.openBatches) open), element readings: \(c.storedElements) stored, "
            + "\(c.lostElements) lost, \(c.absentElements) absent; \(c.doseVersions) dose versions (\(c.currentDoses) current, "
            + "\(c.releasedDoses) released); \(c.calibrations) calibration records."
    }

    static func migrated(_ applied: [String], total: Int, database: String) -> String {
        applied.isEmpty
            ? "\(database) is up to date (\(total) migration\(total == 1 ? "" : "s") applied)."
            : "\(database): applied \(applied.joined(separator: ", ")); \(total) migration\(total == 1 ? "" : "s") applied in all."
    }
}
