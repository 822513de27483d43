import Foundation
import Testing
import TestSupport

/// End to end: the real `tld demo` runs a whole lab cycle on the simulated reader.
@Suite("tld demo: a whole lab cycle on the simulator", .serialized)
struct DemoEndToEndTests {
    static func read(_ dir: TemporaryDirectory, _ name: String) throws -> String {
        try RepoPaths.text(dir.url.appendingPathComponent("out/\(name)"))
    }

    @Test("intake, inspection, readout, review, anneal, zeroing, reissue: slip, result list and database")
    func wholeCycle() async throws {
        let dir = try TemporaryDirectory("tld-demo")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let db = dir.path("lab.sqlite")

        // Intake: 6 cards taken in, the foreign and the unknown card refused, a second scan noticed, one missing.
        #expect(r.stdout.contains("ERROR card 10000206 belongs to customer K-2002"))
        #expect(r.stdout.contains("ERROR card 00000000 is not a card of this lab"))
        #expect(r.stdout.contains("WARN  card 10000016 is already scanned"))
        #expect(r.stdout.contains("missing: card 10000040"))
        let scanLog = try await LabDatabaseQuery.lines(db, "SELECT outcome FROM returnScan ORDER BY id")
        #expect(scanLog == ["accepted", "accepted", "otherCustomer", "accepted", "unknownCard", "accepted", "accepted", "accepted", "alreadyScanned"])

        // Packing slip: one table per type, rows by wearer name, 4 digits of the ID at most, totals excl. VAT.
        let slip = try Self.read(dir, "packing-slip-K-1001.txt")
        let wholeBody = slip.components(separatedBy: "finger (extremity)")[0]
        // Karen Kristensen wore Jensen's card and was enrolled at intake: she gets her own card now.
        let names = ["Andersen, Anna", "Berg, Bo", "Jensen, Mette", "Kristensen, Karen", "Nielsen, Peter", "Østergaard, Lars"]
        let positions = names.compactMap { wholeBody.range(of: $0)?.lowerBound }
        #expect(positions.count == 6 && positions == positions.sorted())
        #expect(slip.contains("6 × 125.00 DKK = 750.00 DKK excl. VAT"))
        #expect(slip.contains("2 × 99.50 DKK = 199.00 DKK excl. VAT"))
        #expect(slip.contains("Total: 8 cards, 949.00 DKK excl. VAT"))
        #expect(slip.contains("TILM-00000001") && slip.contains("2026-10-15    2027-01-14"))
        #expect(!slip.contains("10180-1111") && !slip.contains("0101801111"))
        #expect(!slip.contains("10000024"), "the damaged card was retired, not reissued")
        let html = try Self.read(dir, "packing-slip-K-1001.html")
        #expect(html.contains("<caption>whole-body</caption>") && html.contains("&#39;") == false)

        // Result list: every wearer of the period, remarks for damaged, missing and handed-over cards.
        let csv = try Self.read(dir, "results-K-1001.csv")
        let rows = csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        // 7 issues; the card Jensen handed over to Kristensen gives two lines (hers with the dose).
        #expect(rows.count == 8)
        let berg = try #require(rows.first { $0.hasPrefix("K-1001,\"Berg, Bo\"") })
        #expect(berg.contains(",missing,not returned"))
        let anna = try #require(rows.first { $0.hasPrefix("K-1001,\"Andersen, Anna\"") })
        #expect(anna.contains("card damaged on arrival") && anna.contains("manual QA") && anna.contains(",released,"))
        #expect(rows.contains { $0.hasPrefix("K-1001,\"Kristensen, Karen\"") && $0.contains("worn by Kristensen, Karen") && $0.contains(",released,") })
        #expect(rows.contains { $0.hasPrefix("K-1001,\"Jensen, Mette\"") && $0.contains(",handed over,") })
        // Doses near the simulator's truth (Hp(10) 1.8 mSv for Anna's card, 2.6 for the finger card).
        let annaHp10 = try #require(Double(anna.split(separator: ",")[7]))
        #expect(abs(annaHp10 / 1.8 - 1) < 0.15)
        #expect(try Self.read(dir, "results-K-1001.html").contains("<td>missing</td>"))

        // Database: card states, interlocks, audit trail.
        let states = try await LabDatabaseQuery.lines(db, "SELECT state || '=' || count(*) FROM card GROUP BY state ORDER BY state")
        #expect(states == ["available=19", "issued=10", "retired=1"])
        let notReleased = try await LabDatabaseQuery.lines(db, """
            SELECT count(*) FROM cardIssue i WHERE i.batchID IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM doseResult d WHERE d.cardID = i.cardID AND d.batchID = i.batchID AND d.supersededAt IS NULL AND d.state = 'released')
            """)
        #expect(notReleased == ["0"])
        let checks = try await LabDatabaseQuery.lines(db, "SELECT passed FROM annealCheck ORDER BY id")
        #expect(checks.filter { $0 == "0" }.count == 1, "one card needed a second anneal")
        #expect(checks.count == 7)
        let zeroed = try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardElement WHERE cardID IN (SELECT cardID FROM annealCheck) AND zeroedAt > (SELECT MAX(checkedAt) FROM annealCheck) ")
        #expect(zeroed == ["24"])
        let audit = try await LabDatabaseQuery.lines(db, "SELECT DISTINCT action FROM doseAudit ORDER BY action")
        #expect(audit == ["accepted", "evaluated", "stateChanged"])
        // Sealed national IDs only: the database never holds one in clear.
        let raw = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(raw.range(of: Data("0101801111".utf8)) == nil)
        #expect(try await LabDatabaseQuery.lines(db, "SELECT number FROM enrolment WHERE handedOverFromIssueID IS NOT NULL") == ["TILM-00000009"])

        // Running again changes nothing and writes the same documents.
        let again = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(!again.stdout.contains("== Intake"))
        #expect(try Self.read(dir, "packing-slip-K-1001.txt") == slip)
        #expect(try Self.read(dir, "results-K-1001.csv") == csv)
    }

    @Test("tld intake reads piped scans: plain tagged lines, no colour or bell")
    func intakeFromPipe() async throws {
        let dir = try TemporaryDirectory("tld-intake")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        // The demo's records, then an intake of the other customer by hand.
        let demo = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(demo.status == 0)
        let input = dir.path("scans.txt")
        try Data("10000206\n10000016\n\nmissing\ndone\n".utf8).write(to: URL(fileURLWithPath: input))
        let r = try await ShellRunner.run("\(tld.executable.path) intake --customer K-2002 --arrived 2026-11-04 --database lab.sqlite < scans.txt", in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("OK    card 10000206 taken in"))
        #expect(r.stdout.contains("ERROR card 10000016 belongs to customer K-1001"))
        #expect(r.stdout.contains("Return closed: 1 cards taken in."))
        #expect(!r.stdout.contains("\u{1B}[") && !r.stdout.contains("\u{07}"))

        // Weeks later: Berg's card (period to 2026-10-14) is still out; the damaged card is charged.
        let overdue = try await tld.run(["overdue", "--on", "2026-11-20", "--database", "lab.sqlite"], in: dir.url)
        #expect(overdue.status == 0, "stderr: \(overdue.stderr)")
        #expect(overdue.stdout.contains("Berg, Bo") && overdue.stdout.contains("10000040") && overdue.stdout.contains("reminder due"))
        #expect(overdue.stdout.contains("10000024") && overdue.stdout.contains("compensation: damaged"))
        let csv = try await tld.run(["overdue", "--on", "2027-02-01", "--customer", "K-1001", "--format", "csv", "--database", "lab.sqlite"], in: dir.url)
        #expect(csv.status == 0)
        #expect(csv.stdout.contains("10000040") && csv.stdout.contains("compensation: not returned"))
        #expect(!csv.stdout.contains("K-2002"))
        let none = try await tld.run(["overdue", "--database", "nothing-here.sqlite"], in: dir.url)
        #expect(none.status == 66 && none.stderr.contains("no lab database at nothing-here.sqlite"))
    }
}

/// Runs a shell command line (for redirections), as a user at a terminal would.
enum ShellRunner {
    static func run(_ command: String, in dir: URL) async throws -> ProductRunner.Result {
        try await ProductRunner(executable: URL(fileURLWithPath: "/bin/sh")).run(["-c", command], in: dir)
    }
}
