import Foundation
import TestSupport
import Testing

/// `tld prices`, `tld dispatch`, `tld charges` and `tld overdue` (the dispatch role, issue 15) on a SQLite file and on
/// PostgreSQL, from an empty lab: the example import, cards, prices, two dispatch days (the first run
/// twice), the charges ledger with the compensations due; the same answers and the same packing
/// slips and label sheets, byte for byte, on both backends.
@Suite("tld prices, dispatch and charges on SQLite and PostgreSQL, end to end", .serialized)
struct DispatchBackendsEndToEndTests {
    /// The key only from the lab's key file (never from the tests' own environment).
    static let noKey = ["TLD_NATIONAL_ID_KEY": ""]

    struct Run {
        /// (status, stdout, stderr) of each step, in order.
        var outputs: [String] = []
        /// Every file the dispatch runs wrote, by name.
        var documents: [String: Data] = [:]
    }

    /// Runs the lab's steps on `database` in `folder` (its own key file and document folder).
    func run(database: String, in folder: URL) async throws -> Run {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tld = try ProductRunner(product: "tld")
        var result = Run()
        func step(_ arguments: [String], status: Int32 = 0) async throws {
            let r = try await tld.run(arguments + ["--database", database], in: folder, environment: Self.noKey)
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")) on \(database): \(r.stderr)")
            result.outputs.append("\(r.status)\n\(r.stdout)\n\(r.stderr)")
        }
        let example = RepoPaths.file("examples/lab-import.csv").path
        try await step(["import", example, "--ordered", "2026-12-14", "--key-file", "lab.key"])
        try await step(["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10000990"])
        try await step(["cards", "add", "--type", "finger", "--elements", "2", "--range", "20000014-20000204"])
        try await step(["cards", "add", "--type", "neutron", "--elements", "4", "--range", "40000010-40000101"])
        // No price for a type that is to be sent: nothing is sent, one line, exit 65.
        try await step(["dispatch", "--on", "2026-12-21", "--out", "out", "--key-file", "lab.key"], status: 65)
        for (type, card) in [("whole-body", "125.00"), ("finger", "99,50"), ("neutron", "210"), ("shoulder", "140.00")] {
            try await step(["prices", "set", "--type", type, "--from", "2026-01-01", "--card", card, "--compensation", "450.00"])
        }
        try await step(["prices", "set", "--type", "whole-body", "--from", "2027-01-15", "--card", "130.00"])
        try await step(["prices", "set", "--type", "whole-body", "--from", "2027-01-15", "--card", "-1"], status: 64)
        try await step(["prices", "list", "--format", "csv"])
        try await step(["prices", "list"])
        try await step(["dispatch", "--on", "2026-12-21", "--out", "out", "--key-file", "lab.key"])
        // Again the same day: nothing is sent twice, the documents are kept.
        try await step(["dispatch", "--on", "2026-12-21", "--out", "out", "--key-file", "lab.key"])
        try await step(["dispatch", "--on", "2027-01-25", "--out", "out", "--key-file", "lab.key", "--lead-days", "10"])
        // Compensations fall due for the cards not returned three months after their period.
        try await step(["charges", "--on", "2027-06-30"])
        try await step(["charges", "--on", "2027-06-30", "--format", "csv"])
        try await step(["charges", "--on", "2027-06-30", "--format", "json", "--customer", "K-1003", "--from", "2027-01-01"])
        try await step(["charges", "--customer", "K-404", "--on", "2027-06-30"], status: 65)
        // The chase list of the same cards: reminders and compensation.
        try await step(["overdue", "--on", "2027-06-30", "--format", "csv"])
        try await step(["overdue", "--on", "2027-02-28", "--customer", "K-1001"])
        let out = folder.appendingPathComponent("out")
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
            result.documents[name] = try Data(contentsOf: out.appendingPathComponent(name))
        }
        result.outputs = result.outputs.map { $0.replacingOccurrences(of: database, with: "DATABASE") }
        return result
    }

    /// Log lines carry the time they were written: left out.
    static func withoutTimes(_ output: String) -> String {
        output.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"#, with: "TIME", options: .regularExpression)
    }

    @Test("on PostgreSQL prices, dispatch and charges answer as on a SQLite file, with the same documents; the rows are in PostgreSQL",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let dir = try TemporaryDirectory("tld-dispatch-backends")
        defer { dir.cleanup() }
        let sqlite = try await run(database: "lab.sqlite", in: dir.url.appendingPathComponent("sqlite"))
        let lab = try await PostgresTestLab.create()
        let postgres = try await run(database: lab.url, in: dir.url.appendingPathComponent("postgres"))

        #expect(postgres.outputs.count == sqlite.outputs.count)
        for (index, (p, s)) in zip(postgres.outputs, sqlite.outputs).enumerated() {
            #expect(Self.withoutTimes(p) == Self.withoutTimes(s), "step \(index)")
        }
        #expect(postgres.documents.keys.sorted() == sqlite.documents.keys.sorted())
        for (name, data) in sqlite.documents {
            #expect(postgres.documents[name] == data, "\(name) differs between the backends")
        }

        // What the steps said (the same on both, compared above).
        #expect(sqlite.outputs[4].contains("no card price"), "\(sqlite.outputs[4])")
        #expect(sqlite.outputs[11].contains("whole-body,card,2027-01-15,130.00,DKK")
                && sqlite.outputs[11].contains("finger,card,2026-01-01,99.50,DKK"), "\(sqlite.outputs[11])")
        let first = sqlite.outputs[13]
        #expect(first.contains("cards in 3 new shipments") && first.contains("NOT SENT:") && first.contains("no shoulder card in stock"), "\(first)")
        #expect(sqlite.outputs[14].contains("0 cards in 0 new shipments (3 sent earlier today)"), "\(sqlite.outputs[14])")
        #expect(sqlite.outputs[15].contains("new shipment"), "\(sqlite.outputs[15])")
        #expect(sqlite.outputs[16].contains("Recorded") && sqlite.outputs[16].contains("compensation charges due by 2027-06-30"), "\(sqlite.outputs[16])")
        #expect(sqlite.outputs[17].split(separator: "\r\n").count > 10, "\(sqlite.outputs[17])")
        #expect(sqlite.outputs[19].contains("K-404"), "\(sqlite.outputs[19])")
        #expect(sqlite.outputs[20].split(separator: "\r\n").count > 10, "\(sqlite.outputs[20])")
        #expect(sqlite.documents.keys.contains("packing-slip-K-1001-2026-12-21-S1.pdf"), "\(sqlite.documents.keys.sorted())")
        #expect(sqlite.documents.keys.contains("labels-K-1003-2026-12-21-S3.pdf"))
        #expect(sqlite.documents.count >= 15)

        // The rows are in PostgreSQL, as many as in the SQLite file; each issue charged once when sent.
        let file = dir.url.appendingPathComponent("sqlite/lab.sqlite").path
        for table in ["shipment", "cardIssue", "charge", "cardPrice", "compensationPrice"] {
            let inFile = try await LabDatabaseQuery.lines(file, "SELECT count(*) FROM \(table)")
            #expect(try await lab.lines("SELECT count(*) FROM \(table)") == inFile, "\(table)")
        }
        let issues = try await lab.int("SELECT count(*) FROM cardIssue")
        #expect(issues > 15)
        #expect(try await lab.int("SELECT count(*) FROM charge WHERE kind = 'cardSent'") == issues)
        #expect(try await lab.int("SELECT count(*) FROM charge WHERE kind = 'notReturned'") > 0)
        #expect(try await lab.int("SELECT count(*) FROM card WHERE state = 'issued'") == issues)
    }

    /// The lab of ``run(database:in:)`` up to its prices, on `database` in `folder`.
    func seed(_ tld: ProductRunner, database: String, in folder: URL) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let example = RepoPaths.file("examples/lab-import.csv").path
        for arguments in [["import", example, "--ordered", "2026-12-14", "--key-file", "lab.key"],
                          ["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10000990"],
                          ["cards", "add", "--type", "finger", "--elements", "2", "--range", "20000014-20000204"],
                          ["prices", "set", "--type", "whole-body", "--from", "2026-01-01", "--card", "125.00"],
                          ["prices", "set", "--type", "finger", "--from", "2026-01-01", "--card", "99.50"],
                          ["prices", "set", "--type", "neutron", "--from", "2026-01-01", "--card", "210.00"],
                          ["prices", "set", "--type", "shoulder", "--from", "2026-01-01", "--card", "140.00"]] {
            let r = try await tld.run(arguments + ["--database", database], in: folder, environment: Self.noKey)
            #expect(r.status == 0, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
        }
    }

    @Test("two desks run tld dispatch on one PostgreSQL lab at once: every card and period sent once, one charge each, as one desk on SQLite",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func twoDesksAtOnce() async throws {
        let dir = try TemporaryDirectory("tld-dispatch-desks")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let dispatch = ["dispatch", "--on", "2026-12-21", "--key-file", "lab.key"]
        // One desk on SQLite: what the day sends.
        let single = dir.url.appendingPathComponent("sqlite")
        try await seed(tld, database: "lab.sqlite", in: single)
        let one = try await tld.run(dispatch + ["--out", "out", "--database", "lab.sqlite"], in: single, environment: Self.noKey)
        #expect(one.status == 0, "\(one.stderr)")
        let expected = try await LabDatabaseQuery.lines(single.appendingPathComponent("lab.sqlite").path, "SELECT count(*) FROM cardIssue")

        let lab = try await PostgresTestLab.create()
        let desks = dir.url.appendingPathComponent("postgres")
        try await seed(tld, database: lab.url, in: desks)
        async let first = tld.run(dispatch + ["--out", "desk1", "--database", lab.url], in: desks, environment: Self.noKey)
        async let second = tld.run(dispatch + ["--out", "desk2", "--database", lab.url], in: desks, environment: Self.noKey)
        let both = try await [first, second]
        // Each desk made its shipments or was refused whole as a temporary failure (its plan went
        // stale while the other desk's transaction went first).
        for r in both {
            #expect(r.status == 0 || (r.status == 75 && r.stderr.contains("was sent by another desk")), "\(r.status): \(r.stderr)")
        }
        #expect(both.contains { $0.status == 0 })
        // The rerun finishes the day: nothing is left to send, the documents are written.
        let rerun = try await tld.run(dispatch + ["--out", "out", "--database", lab.url], in: desks, environment: Self.noKey)
        #expect(rerun.status == 0 && rerun.stdout.contains("0 cards in 0 new shipments"), "\(rerun.stdout) \(rerun.stderr)")
        #expect(try await lab.lines("SELECT count(*) FROM cardIssue") == expected)
        let issues = try await lab.int("SELECT count(*) FROM cardIssue")
        #expect(try await lab.int("SELECT count(DISTINCT cardID) FROM cardIssue") == issues, "no card sent twice")
        #expect(try await lab.int("SELECT count(*) FROM charge WHERE kind = 'cardSent'") == issues, "one charge per card sent")
        #expect(try await lab.int("SELECT count(DISTINCT issueID) FROM charge") == issues)
        #expect(try await lab.int("SELECT count(*) FROM card WHERE state = 'issued'") == issues)
        let slips = try FileManager.default.contentsOfDirectory(atPath: desks.appendingPathComponent("out").path).filter { $0.hasPrefix("packing-slip-") }
        #expect(slips.count == 4 * (try await lab.int("SELECT count(*) FROM shipment")), "\(slips)")
    }

    @Test("a PostgreSQL URL that cannot be used is a usage error (exit 64, one line) for dispatch, charges and prices, never a SQLite file")
    func unusableURL() async throws {
        let dir = try TemporaryDirectory("tld-dispatch-url")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        for arguments in [["dispatch", "--key-file", "lab.key"], ["charges"], ["prices", "list"]] {
            let r = try await tld.run(arguments + ["--database", "postgres://lab@/tld"], in: dir.url, environment: Self.noKey)
            #expect(r.status == 64, "tld \(arguments.joined(separator: " ")): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("--database: not a usable PostgreSQL URL") && r.stderr.split(whereSeparator: \.isNewline).count == 1,
                    "\(r.stderr)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(!files.contains { $0.hasSuffix(".sqlite") || $0.hasPrefix("postgres") || $0 == "dispatch" }, "no lab or document folder created: \(files)")
    }

    /// 60 customers with 4 new whole-body enrolments each (an import file), 261 cards and a price, on
    /// `database` in `folder`, through `tld` as a user types it.
    func seedSixtyCustomers(_ tld: ProductRunner, database: String, in folder: URL) async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var rows = ["customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,"
                    + "dosimeter_type,period,change_day,start_date,end_date"]
        for c in 1...60 {
            for w in 0..<4 {
                rows.append(String(format: "K-%04d,Klinik %d,,Vej %d,,,Wearer %d-%d,0101%02d-%04d,whole-body,1m,1,2027-04-01,", c, c, c, c, w, 50 + w, c))
            }
        }
        try Data((rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: folder.appendingPathComponent("lab.csv"))
        for arguments in [["import", "lab.csv", "--ordered", "2027-03-10", "--key-file", "lab.key"],
                          ["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10002616"],
                          ["prices", "set", "--type", "whole-body", "--from", "2027-01-01", "--card", "125.00"]] {
            let r = try await tld.run(arguments + ["--database", database], in: folder, environment: Self.noKey)
            #expect(r.status == 0, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
        }
    }

    @Test("tld dispatch on PostgreSQL killed at random moments loses nothing and makes nothing by halves; the rerun gives SQLite's allocation",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func killedOnPostgres() async throws {
        let dir = try TemporaryDirectory("tld-dispatch-pg-kill")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let dispatch = ["dispatch", "--on", "2027-03-10", "--out", "out", "--key-file", "lab.key"]
        let allocation = "SELECT enrolmentID || ' ' || cardID || ' ' || periodStart FROM cardIssue ORDER BY enrolmentID"
        let halfMade = """
            SELECT (SELECT count(*) FROM shipment WHERE id NOT IN (SELECT shipmentID FROM cardIssue))
                 + (SELECT count(*) FROM cardIssue WHERE id NOT IN (SELECT issueID FROM charge WHERE kind = 'cardSent'))
                 + (SELECT count(*) FROM card WHERE state = 'issued' AND currentIssueID IS NULL)
                 + (SELECT count(*) FROM card WHERE state = 'available' AND id IN (SELECT cardID FROM cardIssue))
            """
        let reference = dir.url.appendingPathComponent("sqlite")
        try await seedSixtyCustomers(tld, database: "lab.sqlite", in: reference)
        let clock = ContinuousClock()
        let started = clock.now
        let clean = try await tld.run(dispatch + ["--database", "lab.sqlite"], in: reference, environment: Self.noKey)
        let took = started.duration(to: clock.now)
        let window = max(50, Int(took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000))
        #expect(clean.status == 0 && clean.stdout.contains("240 cards in 60 new shipments"), "\(clean.stdout) \(clean.stderr)")
        let expected = try await LabDatabaseQuery.lines(reference.appendingPathComponent("lab.sqlite").path, allocation)
        #expect(expected.count == 240)

        let lab = try await PostgresTestLab.create()
        let folder = dir.url.appendingPathComponent("postgres")
        try await seedSixtyCustomers(tld, database: lab.url, in: folder)
        var killed = 0, runs = 0, previous = 0
        var rng = SystemRandomNumberGenerator()
        while killed < 6 && runs < 20 {
            runs += 1
            let r = try await tld.run(dispatch + ["--database", lab.url], in: folder,
                                      killAfter: .milliseconds(Int.random(in: 10...max(11, window), using: &rng)), environment: Self.noKey)
            if r.signal != nil { killed += 1 } else { #expect(r.status == 0, "run \(runs): \(r.stderr)") }
            #expect(try await lab.lines(halfMade) == ["0"], "run \(runs): a shipment half made")
            let issued = try await lab.lines(allocation)
            #expect(issued.count >= previous, "run \(runs): an issue vanished")
            #expect(Set(issued).isSubset(of: Set(expected)), "run \(runs): a card went to another enrolment than on SQLite")
            previous = issued.count
            if r.signal == nil { break }
        }
        let finish = try await tld.run(dispatch + ["--database", lab.url], in: folder, environment: Self.noKey)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try await lab.lines(allocation) == expected)
        #expect(try await lab.int("SELECT count(*) FROM shipment") == 60)
        #expect(try await lab.int("SELECT count(*) FROM charge") == 240)
        let documents = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
        #expect(documents.count == 60 * 5, "every shipment's documents, nothing left over: \(documents.filter { $0.hasPrefix(".") })")
        #expect(killed > 0, "no run was killed: \(runs) runs")
    }
}
