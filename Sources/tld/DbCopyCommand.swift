import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite
import LabWorkflow
import Logging

/// `tld db copy`: moves a lab from a SQLite file into an empty PostgreSQL database and verifies it.
struct DbCopy: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole lab from a SQLite file into an empty PostgreSQL database, then verify it (row counts and a checksum of every table, a SHA-256 of every raw curve).",
        discussion: """
            Every table of the lab is copied: master data (customers, wearers with their sealed national \
            IDs, enrolments, cards, retirements), lab records (prices, shipments, issues, returns, \
            inspections, anneals, zeroings, charges), readouts and raw curves, doses with their audit \
            trail and review reasons, calibrations, cases, notifications, assigned doses, the registry \
            log, retention, and the portal (accounts, submissions, audit, outbox, sessions, agreements). \
            Every id is kept; the identity sequences are moved past the largest id, so the next row \
            added on PostgreSQL follows the copied ones.

            The target must be empty of lab data (tld db migrate may have created the tables; the \
            reference rows every new lab has, such as the allowed card transitions, must equal the \
            source's): otherwise the copy is refused with one line naming the table (exit 65) and \
            nothing is written. The copy is one transaction: all or nothing.

            The lab's history is loaded table by table, not replayed through the card cycle, so the \
            interlock triggers (e.g. no issue of a card that is not available) and the foreign keys are \
            switched off for the copy's own transaction only (SET LOCAL session_replication_role = \
            replica); every foreign key is checked by a query before COMMIT, and after it every \
            interlock applies again. This needs a PostgreSQL superuser, or a login granted SET ON \
            PARAMETER session_replication_role (exit 77 otherwise, nothing written).

            Then both sides are read again and compared: the rows of every table, a SHA-256 checksum \
            of every table's content in a canonical form that does not depend on the backend (each \
            value as text: integers, booleans as 0/1, reals as the shortest round-trip decimal, times \
            as UTC milliseconds, JSON with sorted keys, blobs as hex; each row hashed, the sorted row \
            hashes hashed), and the SHA-256 over the raw counts and temperatures of every stored curve \
            (computed by tld on the SQLite side and by the PostgreSQL server on the other). A difference \
            names the table and ends the command with exit 70. The same comparison runs inside the copy's \
            transaction before COMMIT, so a copy that differs is rolled back: nothing written.

            Stop the lab's work on the SQLite file during the copy: a running tld readout holds the \
            file's writer lock, and the copy then stops at once (exit 75); a change another command makes \
            meanwhile shows up in the verification.

            The national IDs are copied sealed, as they are: run tld on PostgreSQL with the same key \
            (--key-file <the SQLite file>.key, or $TLD_NATIONAL_ID_KEY).

            Example: tld db copy --from tld.sqlite --to 'postgres://lab@dbhost/tld'
            """)

    @Option(help: ArgumentHelp("The SQLite lab file to copy.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The PostgreSQL database to copy into (postgres://user@host/db; empty or new).", valueName: "url"))
    var to: String

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if PostgresURL.isPostgres(from) { throw ValidationError("--from takes a SQLite file.") }
        if !PostgresURL.isPostgres(to) { throw ValidationError("--to takes a postgres:// URL.") }
    }

    /// The copy itself; a refusal (a target that holds a lab, a table PostgreSQL lacks, a broken
    /// reference) is a data error, and nothing was written.
    static func copy(from source: SQLiteLabStore, tables: [String], referenceTables: Set<String>, into target: PostgresLabStore) throws {
        let error: LabStoreError
        do {
            _ = try target.copyLab(from: source, tables: tables, referenceTables: referenceTables)
            return
        } catch let e {
            error = e
        }
        if case let .invalidRecord(reason) = error {
            throw CommandFailure("tld db copy: \(reason); nothing was copied", status: .dataError)
        }
        if case let .unexpected(operation, differences) = error, operation == PostgresLabStore.verifyOperation {
            throw CommandFailure("tld db copy: the copy does not match its source: \(differences); nothing was copied", status: .software)
        }
        throw error
    }

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        guard FileManager.default.fileExists(atPath: from) else { throw ToolError.noDatabase(path: from) }
        let url: PostgresURL
        do { url = try PostgresURL(parsing: to) } catch { throw CommandFailure("--to: \(error)", status: .usage) }
        // No bench reads into the SQLite lab while it is copied (exit 75 when a `tld readout` runs).
        let lock = try WriterLock.acquire(for: from, holder: "tld db copy")
        defer { lock.release() }
        let source = try SQLiteLabStore.open(path: from, logger: logger)
        let tables = try source.tableNames()
        let counts = try source.tableRowCounts()
        // Reference rows the migrations put in every lab (e.g. the allowed card transitions) are schema:
        // a new PostgreSQL lab has them already.
        let fresh = try SQLiteLabStore.inMemory(logger: logger)
        let reference = Set(try fresh.tableRowCounts().keys.map { $0.lowercased() })

        let target = try PostgresLabStore.open(url: url, logger: logger)
        defer { target.close() }
        if let refusal = try target.copyPermission() {
            throw CommandFailure(
                "tld db copy: \(target.url) does not let this login switch the interlock triggers off for the copy's transaction "
                    + "(\(refusal)); copy as a PostgreSQL superuser or GRANT SET ON PARAMETER session_replication_role; nothing was copied",
                status: .noPermission)
        }
        try Self.copy(from: source, tables: tables, referenceTables: reference, into: target)

        // Verify: both sides read again.
        let kinds = try target.labColumnKinds()
        let copiedCounts = try target.tableRowCounts()
        var differences: [String] = []
        print("Copied \(from) into PostgreSQL \(target.url):")
        for table in tables {
            let name = table.lowercased()
            guard let columnKinds = kinds[name] else { continue }  // an empty SQLite-only table (copyLab refuses one with rows)
            let columns = try source.tableColumns(table)
            let (a, b) = (counts[table] ?? 0, copiedCounts[name] ?? 0)
            let (mine, theirs) = (try source.tableChecksum(table, kinds: columnKinds),
                                  try target.tableChecksum(name, columns: columns, kinds: columnKinds))
            let same = a == b && mine == theirs
            print("  \(table.padding(toLength: 22, withPad: " ", startingAt: 0)) SQLite \(a) rows, PostgreSQL \(b) rows; "
                  + (same ? "checksum equal (\(mine.sha256.prefix(12)))" : "DIFFERENT (SQLite \(mine), PostgreSQL \(theirs))"))
            if a != b {
                differences.append("\(table): \(a) rows in SQLite, \(b) in PostgreSQL")
            } else if mine != theirs {
                differences.append("\(table): the checksums of its content differ")
            }
        }
        let (sqliteCurves, postgresCurves) = (try source.curveDigests(), try target.curveDigests())
        let unequal = Set(sqliteCurves.keys).union(postgresCurves.keys).filter { sqliteCurves[$0] != postgresCurves[$0] }
        print("  raw curves             \(sqliteCurves.count) in SQLite, \(postgresCurves.count) in PostgreSQL; SHA-256 of counts and temperatures "
              + (unequal.isEmpty ? "equal for every curve" : "DIFFERENT for \(unequal.count) curves"))
        if !unequal.isEmpty {
            differences.append("elementReading: \(unequal.count) raw curves differ (element readings \(unequal.sorted().prefix(5).map(String.init).joined(separator: ", "))…)")
        }
        guard differences.isEmpty else {
            throw CommandFailure("tld db copy: the copy does not match its source: \(differences.joined(separator: "; "))", status: .software)
        }
        print("Verified: every table's rows and content, and every raw curve, are in PostgreSQL as in SQLite.")
        if (counts["nationalIDKeyCheck"] ?? 0) > 0 {
            print("The national IDs were copied sealed: run tld on PostgreSQL with the same key: "
                  + "--key-file \(from).key (or the key file this lab uses), or $TLD_NATIONAL_ID_KEY.")
        }
    }
}
