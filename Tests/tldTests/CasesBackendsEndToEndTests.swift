import Foundation
import LabStore
import TestSupport
import Testing

/// Monitoring levels, cases, authority notifications and the annual review on a SQLite file and on
/// PostgreSQL (issue 15): a dose over a level opens the same cases and raises the same notification
/// on both backends, with the same documents, investigation, closing and annual review; the review
/// list and the result list run on both.
///
/// The lab's people and their returned cards are made on SQLite (CasesEndToEndTests.seed; dispatch
/// does not run on PostgreSQL yet) and copied into a PostgreSQL lab as they are (``PostgresLabLoader``)
/// before anything is read: everything from the readout on runs through `tld` on each backend.
@Suite("tld cases, notifications, annual, review and results on SQLite and PostgreSQL, end to end", .serialized)
struct CasesBackendsEndToEndTests {
    /// Each step's status and stdout (the database's name replaced), and the text documents written.
    struct Run {
        var outputs: [String] = []
        var files: [String: String] = [:]
    }

    /// October at K-1001, read and released: Holm 8 mSv (released at once: below K-1001's review
    /// level 9; investigation cases), Nielsen 12 mSv (above 10 mSv in one period: under review,
    /// corrected to 11.5 mSv and released, which raises the notification), Jensen 0.05 mSv (nothing).
    /// `value` answers a one-number SQL query on the backend's database.
    func run(database: String, value: (String) async throws -> Int, cards: [String: String], in work: URL) async throws -> Run {
        let tld = try ProductRunner(product: "tld")
        var run = Run()
        let db = ["--database", database]
        let key = ["--key-file", "../lab.sqlite.key"]
        func step(_ arguments: [String], status: Int32 = 0, withKey: Bool = false) async throws {
            let r = try await tld.run(arguments + db + (withKey ? key : []), in: work)
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")) on \(database): \(r.stdout) \(r.stderr)")
            run.outputs.append("\(r.status)\n\(r.stdout)".replacingOccurrences(of: database, with: "DATABASE"))
        }
        try await step(["levels", "set", "--customer", "K-1001", "--review-mSv", "9", "--report-mSv", "10", "--who", "J. Physicist",
                        "--valid-from", "2026-01-01"])
        try await step(["readout", "--simulate", "--scenario", "../R-OCT.json", "--new-shipment", "--speed-ms", "0", "--group-id", "R-OCT",
                        "--sim-state", "sim-state.json", "--format", "csv"])
        try await step(["release", "--batch", "R-OCT", "--who", "Dr. P"])
        try await step(["review", "--no-curves"], withKey: true)
        let nielsen = try await value("SELECT id FROM doseResult WHERE cardID = '\(try #require(cards["Nielsen, Peter K-1001"]))' AND supersededAt IS NULL")
        try await step(["review", "--correct", "\(nielsen)", "--hp10", "11.5", "--who", "Dr. P", "--why", "element 2 checked"])
        try await step(["cases"], withKey: true)
        try await step(["notifications", "list"], withKey: true)
        let notice = "\(try await value("SELECT id FROM authorityNotification"))"
        let c = "\(try await value("SELECT id FROM levelCase WHERE kind = 'notifiable-period'"))"
        try await step(["notifications", "show", notice, "--out", "notices"], withKey: true)
        try await step(["cases", "check"])
        try await step(["cases", "close", c, "--who", "Dr. P"], status: 65)
        try await step(["cases", "investigate", c, "--who", "Dr. P", "--personal-dose", "yes", "--apron", "yes", "--refined-mSv", "1.2",
                        "--method", "apron factor 0.1 on Hp(10)", "--causes", "long fluoroscopy", "--actions", "ceiling shield mounted",
                        "--informed-by", "RPO A. Berg", "--informed-on", "2026-11-20"])
        try await step(["cases", "show", c], withKey: true)
        try await step(["cases", "close", c, "--who", "Dr. P"], status: 65)
        try await step(["notifications", "mark-sent", notice, "--who", "Dr. P", "--how", "secure-email"])
        try await step(["notifications", "mark-sent", notice, "--who", "Dr. P", "--how", "post"], status: 65)
        try await step(["cases", "close", c, "--who", "Dr. P"])
        try await step(["cases", "--all"], withKey: true)
        try await step(["annual", "--customer", "K-1001", "--year", "2026", "--out", "reviews", "--who", "Dr. P"], withKey: true)
        try await step(["annual", "--due", "--on", "2027-03-02"], withKey: true)
        try await step(["results", "--customer", "K-1001", "--out", "results", "--period-end", "2026-10-31", "--physicist", "Dr. P"], withKey: true)
        for folder in ["notices", "reviews", "results"] {
            let dir = work.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".txt") || name.hasSuffix(".csv") || name.hasSuffix(".html") {
                run.files["\(folder)/\(name)"] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            }
        }
        return run
    }

    @Test("a dose over a level: the same cases, notification, investigation, annual review and result list on PostgreSQL as on SQLite",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let dir = try TemporaryDirectory("tld-cases-backends")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let cards = try CasesEndToEndTests.seed(db)
        let october = ["Holm, Anna K-1001", "Nielsen, Peter K-1001", "Jensen, Mette K-1001"].compactMap { cards[$0] }
        try CasesEndToEndTests.returnCards(db, customer: "K-1001", cards: october, on: "2026-11-03")
        // The day's returns as the simulator's shipment, with the doses of the story.
        let made = try await tld.run(["scenario", "--from-returns", "--out", "R-OCT.json", "--dose-mSv", "0.05", "--database", "lab.sqlite"], in: dir.url)
        try #require(made.status == 0, "stderr: \(made.stderr)")
        let doses = [try #require(cards["Holm, Anna K-1001"]): 8.0, try #require(cards["Nielsen, Peter K-1001"]): 12.0]
        let url = dir.url.appendingPathComponent("R-OCT.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var list = try #require(json["cards"] as? [[String: Any]])
        for i in list.indices {
            if let id = list[i]["id"] as? String, let d = doses[id] { list[i]["hp10MilliSievert"] = d; list[i]["hp007MilliSievert"] = d }
        }
        json["cards"] = list
        try JSONSerialization.data(withJSONObject: json).write(to: url)

        let lab = try await PostgresTestLab.create()
        let migrate = try await tld.run(["db", "migrate", "--database", lab.url], in: dir.url)
        try #require(migrate.status == 0, "stderr: \(migrate.stderr)")
        try await PostgresLabLoader.load(sqlite: db, into: lab, scratch: dir.url)
        for name in ["s", "p"] { try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(name), withIntermediateDirectories: true) }

        let sqlite = try await run(database: "../lab.sqlite", value: { sql in
            try #require(Int(try await LabDatabaseQuery.lines(db, sql).first ?? ""), "\(sql)")
        }, cards: cards, in: dir.url.appendingPathComponent("s"))
        let postgres = try await run(database: lab.url, value: { sql in try await lab.int(sql) }, cards: cards, in: dir.url.appendingPathComponent("p"))

        #expect(postgres.outputs.count == sqlite.outputs.count)
        // Each backend reads its own copy of the returns, at its own moment: a dose on a rounding
        // boundary may print one unit apart in its last digit (PrintedFigures), nothing else may differ.
        for (n, (p, s)) in zip(postgres.outputs, sqlite.outputs).enumerated() {
            #expect(PrintedFigures.equalUpToLastDigit(p, s), "step \(n + 1): \(p) against \(s)")
        }
        #expect(postgres.files.keys.sorted() == sqlite.files.keys.sorted())
        for (name, s) in sqlite.files {
            #expect(PrintedFigures.equalUpToLastDigit(postgres.files[name] ?? "", s), "\(name)")
        }
        #expect(Set(sqlite.files.keys).isSuperset(of: ["reviews/annual-K-1001-2026.txt", "reviews/annual-K-1001-2026.html"]), "\(sqlite.files.keys)")
        #expect(sqlite.files.keys.contains { $0.hasPrefix("notices/notification-") } && sqlite.files.keys.contains { $0.hasPrefix("results/") })

        // The runs did what the story says (checked on the SQLite outputs, equal to PostgreSQL's).
        #expect(sqlite.outputs[2].contains("dose(s) released") && !sqlite.outputs[2].contains("authority notification"), "\(sqlite.outputs[2])")
        #expect(sqlite.outputs[3].contains("need review") && sqlite.outputs[3].contains("Nielsen"), "\(sqlite.outputs[3])")
        #expect(sqlite.outputs[4].contains("1 authority notification(s) to send today"), "\(sqlite.outputs[4])")
        #expect(sqlite.outputs[5].contains("notifiable-period") && sqlite.outputs[5].contains("investigation-quarter"), "\(sqlite.outputs[5])")
        #expect(sqlite.outputs[6].contains("NOT SENT") && sqlite.outputs[6].contains("0505******") && !sqlite.outputs[6].contains("050565"))
        #expect(sqlite.outputs[7].contains("11.50 mSv"), "the released (corrected) dose: \(sqlite.outputs[7])")
        #expect(sqlite.outputs[8].contains("0 case(s) opened, 0 notification(s) raised"), "\(sqlite.outputs[8])")
        #expect(sqlite.outputs[15].contains("closed by Dr. P"), "\(sqlite.outputs[15])")
        #expect(sqlite.outputs[17].contains("(FINAL)"), "\(sqlite.outputs[17])")
        #expect(sqlite.outputs[18].contains("K-1001") && sqlite.outputs[18].contains("written"), "\(sqlite.outputs[18])")

        // In PostgreSQL: the cases, one notification per notifiable case, the checks and the review.
        let sqliteCases = try await LabDatabaseQuery.lines(db, "SELECT kind || ' ' || periodKey || ' ' || customerID FROM levelCase ORDER BY id")
        #expect(try await lab.lines("SELECT kind || ' ' || periodKey || ' ' || customerID FROM levelCase ORDER BY id") == sqliteCases)
        #expect(sqliteCases.contains("notifiable-period 2026-10-01..2026-10-31 K-1001"), "\(sqliteCases)")
        #expect(try await lab.lines("SELECT reportNumber || ' ' || sentBy || ' ' || sentHow FROM authorityNotification ORDER BY id")
                == ["N-\(CasesEndToEndTests.utcToday.prefix(4))-0001 Dr. P secure-email"])
        #expect(try await lab.int("SELECT count(*) FROM doseResult d LEFT JOIN doseLevelCheck c ON c.doseID = d.id WHERE d.state = 'released' AND c.doseID IS NULL") == 0)
        #expect(try await lab.lines("SELECT customerID || ' ' || year || ' ' || writtenBy FROM annualReview") == ["K-1001 2026 Dr. P"])
    }
}
