import Foundation
import TestSupport
import Testing

/// The evaluation commands on a SQLite file and on PostgreSQL (issue 15): `tld readout --simulate`
/// evaluates its batch, `tld evaluate`, `tld release`, `tld review` (the list, without the person on
/// PostgreSQL) and `--accept`, `tld results --turnaround`/`--due` and `tld levels` give the same answers
/// on both backends; the review pages and the result list, which need roles PostgreSQL does not have
/// yet, refuse it in one line (exit 69).
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
        try await step(["review", "--no-curves"])
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

        // The review list on PostgreSQL says once that it leaves out the person (no dose-records role
        // yet); on SQLite these simulated cards are on no issue, so each says "wearer: none: …".
        let postgresReview = postgres.outputs[4].replacingOccurrences(of: #"\(the wearer, the earlier periods[^\n]*\)\n\n"#, with: "",
                                                                      options: .regularExpression)
        let sqliteReview = sqlite.outputs[4].replacingOccurrences(of: "  wearer: none: a lab dosimeter or a card on no issue\n", with: "")
        #expect(postgresReview != postgres.outputs[4] && sqliteReview != sqlite.outputs[4])
        #expect(postgresReview == sqliteReview)
        #expect(sqlite.outputs[4].contains("dose(s) need review:") && sqlite.outputs[4].contains("  why: "), "\(sqlite.outputs[4])")
        var (p, q) = (postgres.outputs, sqlite.outputs)
        (p[4], q[4]) = ("", "")
        #expect(p == q)
        // The readout's dose table: every card of the magazine has a dose.
        let table = sqlite.outputs[0].split(whereSeparator: \.isNewline)
        #expect(table.count > 50, "\(sqlite.outputs[0])")
        #expect(sqlite.outputs[1].contains("Every read batch is evaluated."))
        #expect(sqlite.outputs[3].contains("Batch E2E-1: ") && sqlite.outputs[3].contains("dose(s) released; "), "\(sqlite.outputs[3])")
        #expect(sqlite.outputs[5].contains("accepted and released"), "\(sqlite.outputs[5])")
        #expect(sqlite.stderrs[6].contains("is released and cannot change"), "\(sqlite.stderrs[6])")
        #expect(postgres.stderrs[6].contains("is released and cannot change"), "\(postgres.stderrs[6])")
        // PostgreSQL says once per command that the monitoring levels wait for the cases role.
        #expect(postgres.stderrs[0].contains("monitoring levels not checked"))
        #expect(postgres.stderrs[3].contains("monitoring levels not checked"))
        #expect(!sqlite.stderrs[3].contains("monitoring levels not checked"))

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
        #expect(try await lab.int("SELECT count(*) FROM doseLevelCheck") == 0, "released doses stay unchecked until PostgreSQL has the cases role")

        // What needs a role PostgreSQL lacks: one line, exit 69, nothing created.
        let tld = try ProductRunner(product: "tld")
        for arguments in [["review", "--page", "pages"], ["results", "--customer", "K-1001", "--out", "out"]] {
            let r = try await tld.run(arguments + ["--database", lab.url], in: pgDir.url)
            #expect(r.status == 69, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
            #expect(r.stderr.contains("PostgreSQL backend") && r.stderr.split(whereSeparator: \.isNewline).count == 1, "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: pgDir.path("pages")))
        #expect(!FileManager.default.fileExists(atPath: pgDir.path("out")))
    }
}
