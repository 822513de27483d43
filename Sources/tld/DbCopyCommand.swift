import ArgumentParser
import Foundation
import LabStore
import LabStoreSQLite
import Logging
import LabStorePostgres

/// `tld db copy`: moves a lab from a SQLite file into an empty PostgreSQL database and verifies it.
struct DbCopy: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a lab from a SQLite file into an empty PostgreSQL database, then verify it (row counts, every dose and its audit trail, a checksum of every raw curve).",
        discussion: """
            PostgreSQL has every table of the lab (tld db migrate), but the copy takes the readout, dose \
            and calibration tables so far: readoutBatch, batchCard, readerQC, elementReading, doseResult, \
            doseAudit (the dose audit trail), doseReviewReason (why a dose went to review) and calibrationRecord. A SQLite lab with data in any other table (evaluation records, cards, customers, …) is refused with one line naming those tables (exit 65) and nothing is copied: \
            never a partial copy that looks whole. A target database whose tables already hold rows is \
            refused too (exit 65).

            The copy runs in one transaction and keeps every id (the identity sequences are moved past \
            the largest id after). Then both sides are compared: the rows of each table, every dose version \
            of every card (values, flags, state, times) and every row of its audit trail (who, why, action, \
            state, time) and review reason read back through the store, and the SHA-256 \
            over the raw counts and temperatures of every stored curve (computed by tld on the SQLite \
            side and by the PostgreSQL server on the other). The verification is printed; a difference \
            ends the command with exit 70.

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

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        guard FileManager.default.fileExists(atPath: from) else { throw ToolError.noDatabase(path: from) }
        let url: PostgresURL
        do { url = try PostgresURL(parsing: to) } catch { throw CommandFailure("--to: \(error)", status: .usage) }
        let source = try SQLiteLabStore.open(path: from, logger: logger)
        let counts = try source.tableRowCounts()
        let copied = PostgresLabStore.copiedTables
        // Reference rows the migrations put in every lab (e.g. the allowed card transitions) are schema,
        // not the lab's data: a table counts only where it differs from a new lab's.
        let fresh = try SQLiteLabStore.inMemory(logger: logger)
        let freshCounts = try fresh.tableRowCounts()
        let others = try counts.keys.filter { table in
            guard !copied.contains(table) else { return false }
            guard freshCounts[table] == counts[table] else { return true }
            return try source.tableRows(table).rows != fresh.tableRows(table).rows
        }.sorted()
        guard others.isEmpty else {
            throw CommandFailure(
                "tld db copy: \(from) holds data in tables the copy does not take yet: "
                    + others.map { "\($0) (\(counts[$0] ?? 0) rows)" }.joined(separator: ", ")
                    + "; nothing was copied (it takes only these tables so far: \(copied.joined(separator: ", ")))",
                status: .dataError)
        }
        let target = try PostgresLabStore.open(url: url, logger: logger)
        defer { target.close() }
        do {
            try target.copyIn(try copied.map { try source.tableRows($0) })
        } catch LabStoreError.invalidRecord(let reason) {
            throw CommandFailure("tld db copy: \(reason); nothing was copied", status: .dataError)
        }

        // Verify: both sides read again.
        let copiedCounts = try target.tableRowCounts()
        var differences: [String] = []
        print("Copied \(from) into PostgreSQL \(target.url):")
        for table in copied {
            let (a, b) = (counts[table] ?? 0, copiedCounts[table] ?? 0)
            print("  \(table.padding(toLength: 18, withPad: " ", startingAt: 0)) SQLite \(a) rows, PostgreSQL \(b) rows\(a == b ? "" : "  DIFFERENT")")
            if a != b { differences.append("\(table): \(a) rows in SQLite, \(b) in PostgreSQL") }
        }
        let (sqliteCurves, postgresCurves) = (try source.curveDigests(), try target.curveDigests())
        let unequal = Set(sqliteCurves.keys).union(postgresCurves.keys).filter { sqliteCurves[$0] != postgresCurves[$0] }
        print("  raw curves         \(sqliteCurves.count) in SQLite, \(postgresCurves.count) in PostgreSQL; SHA-256 of counts and temperatures "
              + (unequal.isEmpty ? "equal for every curve" : "DIFFERENT for \(unequal.count) curves"))
        if !unequal.isEmpty { differences.append("\(unequal.count) raw curves differ (element readings \(unequal.sorted().prefix(5).map(String.init).joined(separator: ", "))…)") }
        // Every dose version, as each store reads it back (the cards with a dose: every version
        // chain has one current version in its batch).
        var cards = Set<String>()
        for batch in try source.batches() { if let id = batch.id { cards.formUnion(try source.currentDoses(batch: id).map(\.cardID)) } }
        let unequalDoses = try cards.sorted().filter { try source.doseHistory(card: $0) != target.doseHistory(card: $0) }
        let versions = counts["doseResult"] ?? 0
        print("  doses              \(versions) versions of \(cards.count) cards; "
              + (unequalDoses.isEmpty ? "every version equal" : "DIFFERENT for \(unequalDoses.count) cards"))
        if !unequalDoses.isEmpty { differences.append("the doses of \(unequalDoses.count) cards differ (\(unequalDoses.prefix(5).joined(separator: ", "))…)") }
        // Every audit row (each refers to a dose version, so to one of these cards), as each store reads it back.
        let unequalAudits = try cards.sorted().filter { try source.doseAudit(cardID: $0) != target.doseAudit(cardID: $0) }
        let auditRows = counts["doseAudit"] ?? 0
        print("  dose audit         \(auditRows) rows; "
              + (unequalAudits.isEmpty ? "every row equal (dose, version, action, state, who, why, time)" : "DIFFERENT for \(unequalAudits.count) cards"))
        if !unequalAudits.isEmpty { differences.append("the dose audit trail of \(unequalAudits.count) cards differs (\(unequalAudits.prefix(5).joined(separator: ", "))…)") }
        // Every review reason of every dose version.
        var sqliteReasons = Set<DoseReviewReason>()
        for card in cards.sorted() {
            for dose in try source.doseHistory(card: card) { if let id = dose.id { sqliteReasons.formUnion(try source.reviewReasons(dose: id)) } }
        }
        let postgresReasons = try target.allReviewReasons()
        print("  review reasons     \(sqliteReasons.count) in SQLite, \(postgresReasons.count) in PostgreSQL; "
              + (sqliteReasons == postgresReasons ? "every reason equal" : "DIFFERENT"))
        if sqliteReasons != postgresReasons { differences.append("the review reasons differ") }
        guard differences.isEmpty else {
            throw CommandFailure("tld db copy: the copy does not match its source: \(differences.joined(separator: "; "))", status: .software)
        }
        print("Verified: every row, every dose with its audit trail and review reasons, and every raw curve is in PostgreSQL as in SQLite.")
    }
}
