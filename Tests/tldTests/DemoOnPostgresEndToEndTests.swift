import Foundation
import TestSupport
import Testing

/// "A day at the lab" (`tld demo`: import, dispatch, intake, inspection, readout on the simulated
/// reader, review, release, results, anneal, zeroing, reissue inspection, the next dispatch, reminders
/// and charges) on PostgreSQL from an empty database, every step a `tld` command on that backend, and
/// the same lab as the same demo makes in a SQLite file (issue 15).
@Suite("tld demo on PostgreSQL, end to end", .serialized, .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
struct DemoOnPostgresEndToEndTests {
    /// What the lab holds after the day, per backend: card states, doses by state, issues, shipments,
    /// charges, inspections, cases (one line each, the same SQL on both).
    static let facts = [
        "SELECT state || ':' || count(*) FROM card GROUP BY state ORDER BY state",
        "SELECT state || ':' || count(*) FROM doseResult WHERE supersededAt IS NULL GROUP BY state ORDER BY state",
        "SELECT count(*) FROM cardIssue",
        "SELECT count(*) FROM shipment",
        "SELECT kind || ':' || count(*) FROM charge GROUP BY kind ORDER BY kind",
        "SELECT stage || ':' || outcome || ':' || count(*) FROM cardInspection GROUP BY stage, outcome ORDER BY stage, outcome",
        "SELECT count(*) FROM elementReading",
        "SELECT count(*) FROM wearer",
    ]

    @Test("tld demo --database postgres://… runs the whole day there; the lab it leaves is the SQLite demo's lab")
    func dayOnPostgres() async throws {
        let tld = try ProductRunner(product: "tld")
        let dir = try TemporaryDirectory("tld-demo-pg")
        defer { dir.cleanup() }
        let sqlite = try await tld.run(["demo", "--out", "sqlite", "--database", "lab.sqlite"], in: dir.url)
        #expect(sqlite.status == 0, "\(sqlite.stderr.suffix(800))")

        let lab = try await PostgresTestLab.create()
        let postgres = try await tld.run(["demo", "--out", "pg", "--database", lab.url, "--key-file", "lab.key"], in: dir.url)
        #expect(postgres.status == 0, "\(postgres.stderr.suffix(800))")
        #expect(!FileManager.default.fileExists(atPath: dir.path("tld.sqlite")), "no SQLite file beside the PostgreSQL lab")
        #expect(postgres.stdout.contains("$ tld release"), "\(postgres.stdout.suffix(800))")
        // The documents of the day are written on either backend.
        let documents = try FileManager.default.contentsOfDirectory(atPath: dir.path("pg"))
        #expect(documents.contains { $0.hasPrefix("dispatch") }, "\(documents)")

        for sql in Self.facts {
            let onPostgres = try await lab.lines(sql)
            let onSQLite = try await SQLiteQuery.lines(dir.path("lab.sqlite"), sql)
            #expect(!onPostgres.isEmpty && onPostgres == onSQLite, "\(sql): PostgreSQL \(onPostgres), SQLite \(onSQLite)")
        }
        #expect(try await lab.int("SELECT count(*) FROM doseResult WHERE state = 'released'") > 0)

        // Run again: the demo finds its day done and changes nothing.
        let before = try await lab.int("SELECT count(*) FROM doseAudit")
        let again = try await tld.run(["demo", "--out", "pg", "--database", lab.url, "--key-file", "lab.key"], in: dir.url)
        #expect(again.status == 0, "\(again.stderr.suffix(800))")
        #expect(try await lab.int("SELECT count(*) FROM doseAudit") == before)
    }
}
