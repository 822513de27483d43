import Foundation
import TestSupport
import Testing

/// End to end: the real `tld demo` runs "A day at the lab" — the lab's own commands from an import file
/// to the next dispatch — on the simulated reader.
@Suite("tld demo: a day at the lab on the simulator", .serialized)
struct DemoEndToEndTests {
    static func read(_ dir: TemporaryDirectory, _ name: String) throws -> String {
        try RepoPaths.text(dir.url.appendingPathComponent("out/\(name)"))
    }

    /// The one file in `out/FOLDER` whose name starts with `prefix` and ends with `suffix`.
    static func document(_ dir: TemporaryDirectory, _ folder: String, _ prefix: String, _ suffix: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path("out/\(folder)"))
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(suffix) }
        #expect(names.count == 1, "\(folder)/\(prefix)…\(suffix): \(names)")
        return try read(dir, "\(folder)/\(try #require(names.first))")
    }

    /// The CSV's data rows (CRLF lines, header dropped).
    static func rows(_ csv: String) -> [String] {
        csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
    }

    @Test("import, dispatch, intake, inspection, readout, review, release, results, anneal, zeroing, next dispatch")
    func aDayAtTheLab() async throws {
        let dir = try TemporaryDirectory("tld-demo")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let db = dir.path("lab.sqlite")

        // A script of documented commands, each shown as the user would type it.
        for step in ["$ tld import out/lab-import.csv", "$ tld cards add --type whole-body", "$ tld prices set --type finger",
                     "$ tld dispatch --on 2026-12-14", "$ tld intake --customer K-1001 --arrived 2027-02-03", "$ tld inspect",
                     "$ tld scenario --from-returns", "$ tld readout --simulate --scenario", "$ tld review --accept",
                     "$ tld release", "$ tld results --customer K-1001", "$ tld anneal --all-released", "$ tld zero --all-annealed",
                     "--stage reissue --outcome fit", "$ tld dispatch --on 2027-02-22", "$ tld overdue", "$ tld charges"] {
            #expect(r.stdout.contains(step), "missing step: \(step)")
        }
        // The import file it starts from is the repository's example, byte for byte.
        #expect(try Self.read(dir, "lab-import.csv") == RepoPaths.text(RepoPaths.root.appendingPathComponent("examples/lab-import.csv")))

        // Intake: another customer's card put aside, a misread to scan again, a second scan noticed, one
        // card missing (with its wearer), the summary, and exit 65 for the refused lines.
        #expect(r.stdout.contains("ERROR card 10000057 belongs to customer K-1002"))
        #expect(r.stdout.contains("ERROR misread: 10000033 is not a card number"))
        #expect(r.stdout.contains("Gram, Gustav") && r.stdout.contains("Put aside: 1") && r.stdout.contains("Misreads (scanned again?): 1"))
        #expect(r.stdout.contains("(exit 65: 2 lines were refused"))
        #expect(r.stdout.contains("WARN  card 10000016 is already scanned"))
        #expect(r.stdout.contains("Missing (1):") && r.stdout.contains("card 40000010"))

        // Result list: every wearer of the returned periods, on the right person's line.
        let csv = try Self.document(dir, "results", "results-K-1001", ".csv")
        #expect(csv.hasPrefix("customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,sums_year,"))  // result list v2: sums after column 9
        let rows = Self.rows(csv)
        #expect(rows.count == 9, "\(rows)")
        #expect(!rows.contains { $0.contains(",pending,") })
        // The card Iversen handed over: Karen Kristensen's dose, Iversen's line says handed over.
        let karen = try #require(rows.first { $0.hasPrefix("K-1001,\"Kristensen, Karen\"") })
        #expect(karen.contains("10000024") && karen.contains(",released,") && karen.contains("worn by Kristensen, Karen"))
        #expect(rows.contains { $0.hasPrefix("K-1001,\"Iversen, Ib\"") && $0.contains("10000024") && $0.contains(",handed over,") })
        #expect(rows.contains { $0.hasPrefix("K-1001,\"Gram, Gustav\"") && $0.contains("40000010") && $0.contains(",missing,") })
        // The damaged card: released after manual QA, with its remark.
        let damaged = try #require(rows.first { $0.contains(",10000016,") })
        #expect(damaged.contains("manual QA") && damaged.contains(",released,"))
        // The finger card reports Hp(0.07) only.
        let fields = CSVFields.rows(csv).dropFirst()
        let finger = try #require(fields.first { $0[3] == "20000048" })
        #expect(finger[6].isEmpty && Double(finger[7]) != nil, "\(finger)")
        // Doses near the simulator's truth (kept in the scenario file, never seen by the readout).
        let scenario = try JSONSerialization.jsonObject(with: Data(try Self.read(dir, "readout-2027-02-04.json").utf8)) as? [String: Any]
        let cards = try #require(scenario?["cards"] as? [[String: Any]])
        let truth = try #require(cards.first { ($0["id"] as? String) == "10000040" }?["hp10MilliSievert"] as? Double)
        let line = try #require(fields.first { $0[3] == "10000040" })
        let measured = try #require(Double(line[6]))
        #expect(abs(measured - truth) <= max(0.05, 0.15 * truth), "Hp(10) \(measured) vs true \(truth)")

        // Packing slips: Danish alphabetical order (Æ, Ø, Å after Z), the exact CSV header, no full IDs.
        let firstSlip = try Self.document(dir, "dispatch-2026-12-14", "packing-slip-K-1001", ".txt")
        let order = ["Holm, Hanne", "Iversen, Ib", "Ærø, Erik", "Østergaard, Lars"].compactMap { firstSlip.range(of: $0)?.lowerBound }
        #expect(order.count == 4 && order == order.sorted(), "\(firstSlip)")
        let slipCSV = try Self.document(dir, "dispatch-2027-02-22", "packing-slip-K-1001", ".csv")
        #expect(slipCSV.hasPrefix("customer,type,wearer,enrolment,card,period_start,period_end,price\r\n"))
        #expect(!slipCSV.contains("10000016"), "the damaged card was retired, not reissued")

        // Database: the cycle's interlocks held, every reading attributed, no national ID in clear.
        #expect(try await LabDatabaseQuery.lines(db, DemoKillTests.unreleasedButMovedOn) == ["0"])
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM card WHERE id = '10000016'") == ["retired"])
        let checks = try await LabDatabaseQuery.lines(db, "SELECT cardID || '=' || passed FROM annealCheck WHERE cardID = '10000016' ORDER BY id")
        #expect(checks == ["10000016=0", "10000016=1"], "the damaged card needed a second anneal")
        let audit = try await LabDatabaseQuery.lines(db, "SELECT DISTINCT action FROM doseAudit ORDER BY action")
        #expect(audit.contains("accepted") && audit.contains("evaluated"))
        let raw = try Data(contentsOf: URL(fileURLWithPath: db))
        #expect(raw.range(of: Data("080888-8888".utf8)) == nil && raw.range(of: Data("0808888888".utf8)) == nil)

        // Running again changes nothing: nothing dispatched twice, the same documents.
        let shipments = try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM shipment")
        let again = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(!again.stdout.contains("$ tld intake"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM shipment") == shipments)
        #expect(try Self.document(dir, "results", "results-K-1001", ".csv") == csv)
        #expect(try Self.document(dir, "dispatch-2027-02-22", "packing-slip-K-1001", ".csv") == slipCSV)
    }

    @Test("tld intake reads piped scans: plain tagged lines, no colour or bell; overdue lists on their days")
    func intakeFromPipe() async throws {
        let dir = try TemporaryDirectory("tld-intake")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        // K-1002's envelope: one of its own cards of January, and one of K-1001's.
        let own = try #require(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"),
            "SELECT cardID FROM cardIssue i JOIN shipment s ON s.id = i.shipmentID WHERE s.customerID = 'K-1002' AND i.periodEnd < '2027-02-04' AND i.returnID IS NULL ORDER BY cardID LIMIT 1").first)
        let foreign = try #require(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"),
            "SELECT cardID FROM cardIssue WHERE customerID = 'K-1001' AND returnID IS NULL ORDER BY cardID LIMIT 1").first)
        let input = dir.path("scans.txt")
        try Data("\(own)\n\(foreign)\n\nmissing\ndone\n".utf8).write(to: URL(fileURLWithPath: input))
        let r = try await ShellRunner.run("\(tld.executable.path) intake --customer K-1002 --arrived 2027-02-04 --database lab.sqlite < scans.txt", in: dir.url)
        #expect(r.status == 65, "a foreign card in the envelope: stderr: \(r.stderr)")
        #expect(r.stderr.contains("1 line was refused"))
        #expect(r.stdout.contains("Summary of this session:") && r.stdout.contains("card \(foreign): belongs to K-1001"))
        #expect(r.stdout.contains("OK    card \(own) taken in"))
        #expect(r.stdout.contains("ERROR card \(foreign) belongs to customer K-1001"))
        #expect(r.stdout.contains("Return closed: 1 cards taken in."))
        #expect(!r.stdout.contains("\u{1B}[") && !r.stdout.contains("\u{07}"))

        // Gram's shoulder card (period to 2027-01-31) is still out: a reminder in March, compensation in May.
        let overdue = try await tld.run(["overdue", "--on", "2027-03-05", "--database", "lab.sqlite"], in: dir.url)
        #expect(overdue.status == 0, "stderr: \(overdue.stderr)")
        #expect(overdue.stdout.contains("Gram, Gustav") && overdue.stdout.contains("40000010") && overdue.stdout.contains("reminder due"))
        #expect(overdue.stdout.contains("10000016") && overdue.stdout.contains("compensation: damaged"))
        let csv = try await tld.run(["overdue", "--on", "2027-05-10", "--customer", "K-1001", "--format", "csv", "--database", "lab.sqlite"], in: dir.url)
        #expect(csv.status == 0)
        #expect(csv.stdout.contains("40000010") && csv.stdout.contains("compensation: not returned"))
        #expect(!csv.stdout.contains("K-1002"))
        let none = try await tld.run(["overdue", "--database", "nothing-here.sqlite"], in: dir.url)
        #expect(none.status == 66 && none.stderr.contains("no lab database at nothing-here.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("nothing-here.sqlite")))
    }
}

/// Runs a shell command line (for redirections), as a user at a terminal would.
enum ShellRunner {
    static func run(_ command: String, in dir: URL) async throws -> ProductRunner.Result {
        try await ProductRunner(executable: URL(fileURLWithPath: "/bin/sh")).run(["-c", command], in: dir)
    }
}
