import Foundation
import TestSupport
import Testing

/// End to end: a physicist reviews flagged doses with `tld review`, then the cycle finishes.
@Suite("tld review", .serialized)
struct ReviewEndToEndTests {
    @Test("list with glow curves; accept, correct, reject with who and why; the result list shows the decisions")
    func reviewFlaggedDoses() async throws {
        let dir = try TemporaryDirectory("tld-review")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let common = ["--database", "lab.sqlite"]
        let first = try await tld.run(["demo", "--out", "out", "--physicist-reviews", "--review-level", "0.5"] + common, in: dir.url)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("doses wait for a physicist"))

        let list = try await tld.run(["review"] + common, in: dir.url)
        #expect(list.status == 0)
        #expect(list.stdout.contains("need review"))
        #expect(list.stdout.contains("element 1:") && list.stdout.contains("█"))
        #expect(list.stdout.contains("inspection (arrival): manualQA"))
        let db = dir.path("lab.sqlite")
        try await Self.checkScreenAndPage(list.stdout, tld: tld, dir: dir, db: db)
        // Flagged: the card damaged on arrival (manual QA, 10000016) and the worker cards above the review
        // level of 0.5 mSv; never the calibration dosimeters (2 mSv delivered on purpose).
        let ids = try await LabDatabaseQuery.lines(db, """
            SELECT d.id || ' ' || d.cardID FROM doseResult d
            WHERE d.supersededAt IS NULL AND d.state = 'needsReview' ORDER BY d.cardID
            """).map { $0.split(separator: " ").map(String.init) }
        try #require(ids.count >= 3 && ids[0][1] == "10000016", "\(ids)")
        #expect(!ids.contains { $0[1].hasPrefix("9") || $0[1].hasPrefix("8") })
        let (damaged, high, other) = (ids[0], ids[1], ids[2])

        // An action needs who and why.
        let noWhy = try await tld.run(["review", "--accept", damaged[0], "--who", "Dr. P"] + common, in: dir.url)
        #expect(noWhy.status != 0 && noWhy.stderr.contains("--why"))

        let corrected = try await tld.run(["review", "--correct", damaged[0], "--hp10", "1.70", "--hp007", "1.9",
                                           "--who", "Dr. P", "--why", "pellet 3 cracked: from elements 1, 2 and 4"] + common, in: dir.url)
        #expect(corrected.status == 0, "stderr: \(corrected.stderr)")
        #expect(corrected.stdout.contains("corrected dose released as version 2"))
        let rejected = try await tld.run(["review", "--reject", other[0], "--who", "Dr. P", "--why", "curve shows a light leak"] + common, in: dir.url)
        #expect(rejected.status == 0, "stderr: \(rejected.stderr)")
        let accepted = try await tld.run(["review", "--accept", high[0], "--who", "Dr. P", "--why", "shape normal"] + common, in: dir.url)
        #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
        // A released dose cannot be reviewed again.
        let again = try await tld.run(["review", "--reject", damaged[0], "--who", "Dr. P", "--why", "again"] + common, in: dir.url)
        #expect(again.status != 0)
        let audit = try await LabDatabaseQuery.lines(db, "SELECT action || '/' || who FROM doseAudit WHERE who = 'Dr. P' ORDER BY id")
        #expect(audit == ["corrected/Dr. P", "rejected/Dr. P", "accepted/Dr. P"])

        // The cycle finishes; the result list carries the decisions.
        let finish = try await tld.run(["demo", "--out", "out"] + common, in: dir.url)
        #expect(finish.status == 0, "stderr: \(finish.stderr)")
        let csv = try DemoEndToEndTests.document(dir, "results", "results-K-1001", ".csv")
        let lines = csv.components(separatedBy: "\r\n")
        let damagedRow = try #require(lines.first { $0.contains(",\(damaged[1]),") })
        #expect(damagedRow.contains(",1.7000,1.9000,") && damagedRow.contains("corrected by Dr. P"))
        let rejectedRow = try #require(lines.first { $0.contains(",\(other[1]),") })
        #expect(rejectedRow.contains(",no valid result,") && rejectedRow.contains("light leak"))
        #expect(try await LabDatabaseQuery.lines(db, DemoKillTests.unreleasedButMovedOn) == ["0"])
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM card WHERE id = '\(damaged[1])'") == ["retired"])
    }

    /// The review screen: each dose's reason with the level's value, wearer (national ID: first 4 digits
    /// only), customer, period, earlier periods, curves against °C; then the batch's review page.
    static func checkScreenAndPage(_ screen: String, tld: ProductRunner, dir: TemporaryDirectory, db: String) async throws {
        #expect(screen.contains("temperature (°C) →") && !screen.contains("channel →"))
        #expect(screen.contains("why: above review level: Hp(10) ") && screen.contains("> review level 0.50 mSv (customer K-1001)"))
        #expect(screen.contains("why: damaged on arrival (manual QA): card damaged on arrival: manual QA"))
        #expect(screen.contains("customer: K-1001 Strålehospitalet Aarhus, Nuklearmedicin"))
        // The damaged card's wearer, issue period and national ID prefix, as the database has them.
        let issue = try await LabDatabaseQuery.lines(db, """
            SELECT w.name || '|' || i.periodStart || '|' || i.periodEnd FROM cardIssue i
            JOIN enrolment e ON e.id = i.enrolmentID JOIN wearer w ON w.id = e.wearerID
            WHERE i.cardID = '10000016' AND i.batchID IS NOT NULL ORDER BY i.id DESC LIMIT 1
            """)
        let fields = try #require(issue.first?.split(separator: "|").map(String.init))
        let block = try #require(screen.components(separatedBy: "\ndose ").first { $0.contains("card 10000016") })
        #expect(block.contains("wearer: \(fields[0])"), "\(block)")
        #expect(block.contains("period: \(fields[1]) – \(fields[2])"))
        #expect(block.contains("previous periods"))
        // National IDs: the first 4 digits and stars, never more (the demo's wearers are in examples/lab-import.csv).
        #expect(screen.contains("national ID: ") && screen.contains("******"))
        let ids = try RepoPaths.text(RepoPaths.file("examples/lab-import.csv"))
            .matches(of: /\d{6}-\d{4}/).map { String($0.output) }
        #expect(!ids.isEmpty)
        for id in ids {
            #expect(!screen.contains(id) && !screen.contains(String(id.prefix(6))), "national ID \(id) shown")
        }

        // The review page of the batch: one file, one section per dose under review, curves and fits.
        let flagged = try await LabDatabaseQuery.lines(db, "SELECT COUNT(*) FROM doseResult WHERE supersededAt IS NULL AND state = 'needsReview'")
        let group = try #require(try await LabDatabaseQuery.lines(db, "SELECT groupID FROM readoutBatch ORDER BY id DESC LIMIT 1").first)
        let page = try await tld.run(["review", "--page", "pages", "--batch", group, "--database", "lab.sqlite"], in: dir.url)
        #expect(page.status == 0, "stderr: \(page.stderr)")
        #expect(page.stdout.contains("page written to pages/review-\(group).html"))
        let html = try String(contentsOf: dir.url.appendingPathComponent("pages/review-\(group).html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<section class=\"card\">").count - 1 == Int(flagged.first ?? ""))
        #expect(html.contains("<h1>Review of batch \(group)</h1>"))
        #expect(html.contains("card 10000016") && html.contains("<td>\(fields[0].replacingOccurrences(of: "&", with: "&amp;"))</td>"))
        #expect(html.contains("&gt; review level 0.50 mSv"))
        #expect(html.contains("Temperature (°C)") && html.contains("fit (sum)") && html.contains("dosimetric"))
        #expect(html.contains("FOM ") && html.contains("Previous periods"))
        for id in ids { #expect(!html.contains(id) && !html.contains(String(id.prefix(6)))) }
        let svgs = html.components(separatedBy: "<svg").count - 1
        #expect(svgs >= 3 * (Int(flagged.first ?? "") ?? 0), "\(svgs) pictures")

        // Misuse: a batch that does not exist, --batch without --page, --page with an action.
        let unknown = try await tld.run(["review", "--page", "pages", "--batch", "NOPE", "--database", "lab.sqlite"], in: dir.url)
        #expect(unknown.status == 65 && unknown.stderr.contains("there is no batch NOPE"))
        let alone = try await tld.run(["review", "--batch", group, "--database", "lab.sqlite"], in: dir.url)
        #expect(alone.status == 64)
    }
}
