import Foundation
import TestSupport
import Testing

/// `tld readout` killed with SIGKILL inside the evaluation window — after the batch's last curve is
/// stored and before every card has its dose — 20 times: each time the next command (the same
/// readout again, or `tld evaluate`) finishes the batch, and every card ends with a dose or a recorded
/// reason why not, never silently missing; the doses' review states are those of an uninterrupted run.
@Suite("tld readout killed while it evaluates", .serialized)
struct EvaluationKillTests {
    /// One answer of sqlite3, or nil while the database cannot answer yet (never creates the file).
    static func value(_ db: String, _ sql: String) async -> String? {
        guard FileManager.default.fileExists(atPath: db) else { return nil }
        guard let r = try? await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run(["-bail", "-cmd", ".timeout 2000", db, sql], in: URL(fileURLWithPath: db).deletingLastPathComponent()),
            r.status == 0 else { return nil }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// card → review state (or the not-evaluated reason) in the batch `group`.
    static func outcome(_ db: String, _ group: String) async throws -> [String] {
        try await LabDatabaseQuery.lines(db, """
            SELECT d.cardID || '=' || d.state FROM doseResult d JOIN readoutBatch b ON b.id = d.batchID
            WHERE b.groupID = '\(group)' AND d.supersededAt IS NULL
            UNION ALL SELECT n.cardID || '=not-evaluated:' || n.reason FROM cardNotEvaluated n JOIN readoutBatch b ON b.id = n.batchID
            WHERE b.groupID = '\(group)' ORDER BY 1
            """)
    }

    static func silentlyMissing(_ db: String, _ group: String) async throws -> [String] {
        try await LabDatabaseQuery.lines(db, """
            SELECT DISTINCT r.cardID FROM elementReading r JOIN readoutBatch b ON b.id = r.batchID WHERE b.groupID = '\(group)'
            AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = r.batchID AND d.cardID = r.cardID AND d.supersededAt IS NULL)
            AND NOT EXISTS (SELECT 1 FROM cardNotEvaluated n WHERE n.batchID = r.batchID AND n.cardID = r.cardID)
            """)
    }

    @Test("20 kills inside the evaluation window: every card ends evaluated or listed with its reason")
    func killDuringEvaluation() async throws {
        let dir = try TemporaryDirectory("tld-eval-kill")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        let readout = ["readout", "--simulate", "--speed-ms", "0", "--format", "csv"] + common

        // Reference: an uninterrupted run, and how long its evaluation took.
        let reference = try await tld.run(readout + ["--group-id", "REF"], in: dir.url)
        #expect(reference.status == 0, "stderr: \(reference.stderr)")
        let expected = try await Self.outcome(db, "REF")
        #expect(expected.count == 50)
        let windowMs = Double(await Self.value(db, """
            SELECT (julianday(evaluatedAt) - julianday(finishedAt)) * 86400000 FROM readoutBatch WHERE groupID = 'REF'
            """) ?? "") ?? 0
        #expect(windowMs > 0, "the reference batch has its evaluation time on record")

        var inside = 0
        var attempts = 0
        while inside < 20 && attempts < 150 {  // a kill lands outside the window more often on a loaded machine
            attempts += 1
            let group = "K\(attempts)"
            let delay = Duration.milliseconds(Int.random(in: 0...max(1, Int(windowMs * 0.8))))
            let (run, phased) = try await tld.run(readout + ["--group-id", group, "--new-shipment"], in: dir.url, killWhen: {
                await Self.value(db, "SELECT count(*) FROM readoutBatch WHERE groupID = '\(group)' AND state = 'complete'") == "1"
            }, delay: delay)
            let state = await Self.value(db, "SELECT state || '/' || evaluation FROM readoutBatch WHERE groupID = '\(group)'")
            if run.signal != nil && phased && state == "complete/pending" {
                inside += 1
                let partial = try await LabDatabaseQuery.lines(db, """
                    SELECT count(*) FROM doseResult d JOIN readoutBatch b ON b.id = d.batchID WHERE b.groupID = '\(group)'
                    """)
                // A killed evaluation is never taken for a finished one: the next command says and does it.
                let finish = attempts % 2 == 0
                    ? try await tld.run(readout, in: dir.url)
                    : try await tld.run(["evaluate"] + common, in: dir.url)
                #expect(finish.status == 0 || finish.status == 65, "attempt \(attempts) (\(partial) doses at the kill): \(finish.stderr)")
                if attempts % 2 == 0 { #expect(finish.stderr.contains("no card to read")) }
            } else if run.signal == nil {
                #expect(run.status == 0, "attempt \(attempts): \(run.stderr)")
            } else {
                // Killed outside the window (still reading): the same command resumes and finishes it.
                let finish = try await tld.run(readout, in: dir.url)
                #expect(finish.status == 0, "attempt \(attempts): \(finish.stderr)")
            }
            #expect(try await Self.silentlyMissing(db, group).isEmpty, "attempt \(attempts): a card without dose or reason")
            #expect(await Self.value(db, "SELECT evaluation FROM readoutBatch WHERE groupID = '\(group)'") == "evaluated")
            #expect(try await Self.outcome(db, group) == expected, "attempt \(attempts): states differ from the uninterrupted run")
        }
        #expect(inside == 20, "\(inside) kills inside the evaluation window in \(attempts) runs")
    }
}
