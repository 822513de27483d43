import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite
import Logging

/// The PostgreSQL side of ``StoreOptions``. PostgresLabStore has every role of the lab's store
/// (readout, doses and calibration, master data and the national-ID key, lab records, dispatch and
/// charges, evaluation and results turnaround, dose records, cases and annual reviews, the portal),
/// so every command that works on the lab's database runs on either backend, each opening the lab
/// through its role's opener (Store*.swift) and listed in ``PostgresGate``. A command that is not
/// (`tld typetest`, `tld restore`: a SQLite file of their own) refuses a postgres:// database with
/// one line (exit 69), never falling back to a SQLite file.
extension StoreOptions {
    /// The PostgreSQL URL (exit 64 when it is not a usable one).
    func postgresURL() throws -> PostgresURL {
        do {
            return try PostgresURL(parsing: path)
        } catch {
            throw CommandFailure("--database: \(error)", status: .usage)
        }
    }

    /// Opens the lab's PostgreSQL database and brings its schema up to date.
    func openPostgres(logger: Logger) throws -> PostgresLabStore {
        try PostgresLabStore.open(url: try postgresURL(), logger: logger)
    }

    /// Opens an existing lab for a command that needs only the ``DoseStore`` role (readout, doses,
    /// calibration, counts): PostgreSQL (schema brought up to date) or an existing SQLite file (exit 66
    /// when missing).
    func openLabStore(logger: Logger) throws -> any DoseStore {
        if isPostgres { return try openPostgres(logger: logger) }
        guard FileManager.default.fileExists(atPath: path) else { throw ToolError.noDatabase(path: path) }
        return try SQLiteLabStore.open(path: path, logger: logger)
    }

    /// Refuses a PostgreSQL database for a command that needs the whole lab store (SQLite only so far).
    func refusePostgres(role: String = "the evaluation and cases roles") throws {
        guard isPostgres else { return }
        let command = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.joined(separator: " ")
        throw CommandFailure(PostgresUnsupported.message(command: command, role: role, database: (try? postgresURL())?.description ?? "postgres://…"),
                             status: .unavailable)
    }
}

/// The one-line refusal of a command the PostgreSQL backend does not support yet.
enum PostgresUnsupported {
    /// The store roles PostgresLabStore implements so far, as the messages name them.
    static let roles = "the readout, dose, calibration, master-data, national-ID key, lab-records, card-cycle, evaluation, results-turnaround, dose-record, cases, annual-review, dispatch-and-charges and portal roles"

    static func message(command: String, role: String, database: String) -> String {
        "tld \(command.isEmpty ? "(this command)" : command) is not available on the PostgreSQL backend yet (\(database)): "
            + "it has \(roles) only, not \(role); use a SQLite file with --database FILE"
    }
}

extension PostgresUnsupported {
    /// Refuses a postgres:// value given to a command's own file option (`tld typetest --database`,
    /// `tld restore --database`), which would otherwise be taken as a file name.
    static func refuseFileOption(_ value: String?, command: String, option: String = "--database") throws {
        guard let value, PostgresURL.isPostgres(value) else { return }
        throw CommandFailure("tld \(command) \(option) takes a SQLite file; the PostgreSQL backend does not support it yet", status: .unavailable)
    }
}

/// Which commands run on a PostgreSQL database: those whose store needs only the roles the
/// PostgreSQL backend has. Checked once for every command before it runs (TLD.main), so no command
/// can open a SQLite file named "postgres:…" or read an empty lab by mistake.
enum PostgresGate {
    /// Commands that run on PostgreSQL, with the role they use.
    protocol Supported {}

    static func check(_ command: any ParsableCommand) throws {
        guard !(command is any Supported) else { return }
        for child in Mirror(reflecting: command).children {
            guard let group = child.value as? OptionGroup<StoreOptions> else { continue }
            try group.wrappedValue.refusePostgres()
        }
    }
}
