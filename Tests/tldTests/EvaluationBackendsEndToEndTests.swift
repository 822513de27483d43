import Foundation
import TestSupport
import Testing

/// The evaluation commands on a SQLite file and on PostgreSQL (issue 15): `tld readout --simulate`
/// evaluates its batch, `tld evaluate`, `tld release`, `tld review --accept`, `tld results --turnaround`
/// and `tld levels` give the same answers on both backends, and the monitoring levels are checked on
/// both (the cases themselves: CasesBackendsEndToEndTests).
@Suite("tld readout, evaluate, review, release and results on SQLite and PostgreSQL, end to end", .serialized)
struct EvaluationBackendsEndToEndTests {
    struct Run {
        /// Per step: status and stdout (stderr differs by the database's name and PostgreSQL's note).
        var outputs: [String] = []
        var stderrs: [String] = []
    }

    /// The cycle of one magazine: read, evaluate, release, accept the first dose under review, release again.
    func run(database: String, reviewDose: () async throws -> Int, in dir: TemporaryDirectory) async throws -> Run {
        let tld = try ProductRunner(product: "tld")
        var run = Run()
        func step(_ arguments: [String], status: Int32 = 0) async throws {
            let r = try await tld.run(arguments + ["--database", database], in: dir.url)
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
            run.outputs.append("\(r.status)\n\(r.stdout)")
            run.stderrs.append(r.stderr)
        }
        try await step(["readout", "--simulate", "--speed-ms", "0", "--group-id", "E2E-1", "--sim-state", dir.path("sim-state.json"),
                        "--format", "csv"])
        try await step(["evaluate"])
        try await step(["evaluate", "--batch", "E2E-1", "--format", "csv"])
        try await step(["release", "--batch", "E2E-1", "--who", "J. Physicist"])
        let dose = try await reviewDose()
        try await step(["review", "--accept", "\(dose)", "--who", "J. Physicist", "--why", "curve normal, dose plausible"])
        try await step(["review", "--accept", "\(dose)", "--who", "J. Physicist", "--why", "again"], status: 65)
        try await step(["release"])
        try await step(["results", "--turnaround", "--year", "2026", "--format", "csv"])
        try await step(["results", "--due", "--format", "csv"])
        try await step(["levels", "show"])
        return run
    }

    @Test("on PostgreSQL the batch is evaluated, reviewed and released as on a SQLite file; the doses are in PostgreSQL",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let sqliteDir = try TemporaryDirectory("tld-eval-sqlite")
        defer { sqliteDir.cleanup() }
        let sqlitePath = sqliteDir.path("lab.sqlite")
        let sqlite = try await run(database: sqlitePath, reviewDose: {
            try #require(Int(try await SQLiteQuery.lines(sqlitePath, "SELECT min(id) FROM doseResult WHERE state = 'needsReview'").first ?? ""))
        }, in: sqliteDir)

        let lab = try await PostgresTestLab.create()
        let pgDir = try TemporaryDirectory("tld-eval-postgres")
        defer { pgDir.cleanup() }
        let postgres = try await run(database: lab.url, reviewDose: {
            try await lab.int("SELECT min(id) FROM doseResult WHERE state = 'needsReview'")
        }, in: pgDir)

        #expect(postgres.outputs == sqlite.outputs)
        // The readout's dose table: every card of the magazine has a dose.
        let table = sqlite.outputs[0].split(whereSeparator: \.isNewline)
        #expect(table.count > 50, "\(sqlite.outputs[0])")
        #expect(sqlite.outputs[1].contains("Every read batch is evaluated."))
        #expect(sqlite.outputs[3].contains("Batch E2E-1: ") && sqlite.outputs[3].contains("dose(s) released; "), "\(sqlite.outputs[3])")
        #expect(sqlite.outputs[4].contains("accepted and released"), "\(sqlite.outputs[4])")
        #expect(sqlite.stderrs[5].contains("is released and cannot change"), "\(sqlite.stderrs[5])")
        #expect(postgres.stderrs[5].contains("is released and cannot change"), "\(postgres.stderrs[5])")

        // The database holds what the commands said.
        // Hp(10) compared to 0.1 µSv (the backends print a double differently).
        func normalised(_ rows: [String]) -> [String] {
            rows.map { row in
                var cells = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if let last = cells.last, let value = Double(last) { cells[cells.count - 1] = String(format: "%.4f", value) }
                return cells.joined(separator: "|")
            }
        }
        let sqliteRows = normalised(try await SQLiteQuery.lines(sqlitePath, """
            SELECT cardID || '|' || version || '|' || state || '|' || ifnull(hp10MilliSievert, '-') FROM doseResult ORDER BY cardID, version
            """))
        let postgresRows = normalised(try await lab.lines("""
            SELECT cardID || '|' || version || '|' || state || '|' || coalesce(hp10MilliSievert::text, '-')
            FROM doseResult ORDER BY cardID COLLATE "C", version
            """))
        #expect(postgresRows.count == 50, "one version per card: accepting a dose changes its state, not its values")
        #expect(postgresRows == sqliteRows)
        #expect(try await lab.lines("SELECT groupID || '|' || state || '|' || evaluation FROM readoutBatch") == ["E2E-1|complete|evaluated"])
        #expect(try await lab.int("SELECT count(*) FROM doseAudit WHERE who = 'J. Physicist'")
                == Int(try await SQLiteQuery.lines(sqlitePath, "SELECT count(*) FROM doseAudit WHERE who = 'J. Physicist'").first ?? "") ?? -1)
        // Every released dose's level check ran, on both.
        let checked = try await lab.int("SELECT count(*) FROM doseLevelCheck")
        let checkedOnSQLite = Int(try await SQLiteQuery.lines(sqlitePath, "SELECT count(*) FROM doseLevelCheck").first ?? "")
        #expect(checked > 0 && checked == checkedOnSQLite)
        #expect(try await lab.int("SELECT count(*) FROM doseResult d LEFT JOIN doseLevelCheck c ON c.doseID = d.id "
                                  + "WHERE d.state = 'released' AND d.supersededAt IS NULL AND c.doseID IS NULL") == 0)

        // The review list and its pages run on PostgreSQL too (they needed the cases role).
        let tld = try ProductRunner(product: "tld")
        for arguments in [["review", "--no-curves"], ["review", "--page", "pages"]] {
            let s = try await tld.run(arguments + ["--database", sqlitePath], in: sqliteDir.url)
            // On PostgreSQL the national-ID key is named (no database file to keep it beside).
            let p = try await tld.run(arguments + ["--database", lab.url, "--key-file", "lab.key"], in: pgDir.url)
            #expect(p.status == 0 && p.status == s.status, "tld \(arguments.joined(separator: " ")): \(p.stderr) \(s.stderr)")
            #expect(p.stdout == s.stdout)
        }
    }
}
