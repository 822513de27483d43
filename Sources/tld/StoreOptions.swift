import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite
import Logging

/// Where the lab's store is: a SQLite file (the default) or a PostgreSQL database (postgres://…).
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "SQLite database file, or a PostgreSQL database as postgres://user@host/db (default: $TLD_DATABASE, else ./tld.sqlite).",
        valueName: "path|url"))
    var database: String?

    var path: String {
        if let database { return database }
        if let env = ProcessInfo.processInfo.environment["TLD_DATABASE"], !env.isEmpty { return env }
        return "tld.sqlite"
    }

    /// Opens the lab's database, refusing a missing file: a command that reads the lab's records
    /// must never create an empty database in the wrong directory (exit 66, EX_NOINPUT).
    func openExisting(logger: Logger) throws -> SQLiteLabStore {
        try refusePostgres()
        guard FileManager.default.fileExists(atPath: path) else { throw ToolError.noDatabase(path: path) }
        return try SQLiteLabStore.open(path: path, logger: logger)
    }

    /// Opens the lab's database, creating it when missing: only for the commands that set up a lab
    /// (import, customer add, cards add, prices set, demo) and the self-contained simulated readout.
    func openOrCreate(logger: Logger) throws -> SQLiteLabStore {
        try refusePostgres()
        return try SQLiteLabStore.open(path: path, logger: logger)
    }

    // MARK: PostgreSQL (StorePostgres.swift)

    /// Whether the lab is on PostgreSQL (`--database postgres://…` or `TLD_DATABASE=postgres://…`).
    var isPostgres: Bool { PostgresURL.isPostgres(path) }
}

/// Logging verbosity for the whole tool.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log protocol-level detail (retries, NAKs, damaged frames) to stderr.")
    var verbose = false
}

/// A failure to report as one clear line (no usage text: the command line itself was fine).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    /// The sysexits code (default: 70, internal software error).
    let status: SysExit
    init(_ description: String, status: SysExit = .software) {
        self.description = description
        self.status = status
    }
}
