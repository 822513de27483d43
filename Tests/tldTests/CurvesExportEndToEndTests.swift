import Foundation
import TestSupport
import Testing

/// `tld curves export` by wear period, on a lab built from an empty directory by `tld demo`: the cards
/// of the issues whose period ends in the range, each from the batch that read it for that issue.
@Suite("tld curves export by period", .serialized)
struct CurvesExportEndToEndTests {
    @Test func exportsTheCardsOfThePeriodsEndingInTheRange() async throws {
        let dir = try TemporaryDirectory("tld-curves-period")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let common = ["--database", "lab.sqlite"]
        let demo = try await tld.run(["demo", "--out", "out"] + common, in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        let db = dir.path("lab.sqlite")
        // The period ends of the issues that were read, and for the latest one the expected (card, element) curves.
        let ends = try await LabDatabaseQuery.lines(db, "SELECT DISTINCT periodEnd FROM cardIssue WHERE batchID IS NOT NULL ORDER BY periodEnd")
        let last = try #require(ends.last)
        let expected = try await LabDatabaseQuery.lines(db, """
            SELECT r.cardID || ',' || r.element FROM cardIssue i
            JOIN elementReading r ON r.batchID = i.batchID AND r.cardID = i.cardID AND r.status = 'stored'
            WHERE i.periodEnd = '\(last)' ORDER BY r.cardID, r.element
            """)
        try #require(!expected.isEmpty)

        let csv = try await tld.run(["curves", "export", "--period-from", last, "--format", "csv", "--out", "period.csv"] + common, in: dir.url)
        #expect(csv.status == 0, "stderr: \(csv.stderr)")
        #expect(csv.stdout.contains("\(expected.count) curves written"))
        let rows = try String(contentsOf: dir.url.appendingPathComponent("period.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let curves = Set(rows.map { r -> String in
            let f = r.split(separator: ",")
            return "\(f[1]),\(f[2])"
        })
        #expect(curves.sorted() == expected.sorted())
        // No calibration or control dosimeter (on no issue) is in a period.
        #expect(!curves.contains { $0.hasPrefix("8") || $0.hasPrefix("9") })

        // The whole range of read periods as BINX: every read issue's curves, one TL record each.
        let all = try await LabDatabaseQuery.lines(db, """
            SELECT COUNT(*) FROM cardIssue i JOIN elementReading r ON r.batchID = i.batchID AND r.cardID = i.cardID AND r.status = 'stored'
            """)
        let first = try #require(ends.first)
        let binx = try await tld.run(["curves", "export", "--period-from", first, "--period-to", last, "--format", "binx", "--out", "all.binx"] + common, in: dir.url)
        #expect(binx.status == 0, "stderr: \(binx.stderr)")
        #expect(binx.stdout.contains("\(all.first ?? "?") curves written"))
        let fit = try await tld.run(["glow", "fit", "all.binx", "--record", "1", "--svg", "r1.svg"], in: dir.url)
        #expect(fit.status == 0, "stderr: \(fit.stderr)")

        // A range with no period end read: a data error, nothing written; a reversed range: usage.
        let none = try await tld.run(["curves", "export", "--period-from", "1999-01-01", "--period-to", "1999-12-31", "--out", "none.csv"] + common, in: dir.url)
        #expect(none.status == 65 && none.stderr.contains("no stored curves for wear periods ending 1999-01-01 to 1999-12-31"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.csv")))
        let reversed = try await tld.run(["curves", "export", "--period-from", last, "--period-to", "1999-01-01", "--out", "x.csv"] + common, in: dir.url)
        #expect(reversed.status == 64 && reversed.stderr.contains("is before --period-from"))
        let both = try await tld.run(["curves", "export", "--card", "10000016", "--period-from", last, "--out", "x.csv"] + common, in: dir.url)
        #expect(both.status == 64)
    }
}
