import Foundation
import TestSupport
import Testing

/// End to end: the master-data commands of the real `tld` binary, from an empty directory.
@Suite("tld customer, wearer, enrolment, unenrol, cards, import; exit codes", .serialized)
struct MasterDataEndToEndTests {
    static let key = ["TLD_NATIONAL_ID_KEY": Data(repeating: 0x42, count: 32).base64EncodedString()]

    @Test("commands that read the lab refuse a missing database (exit 66) and create nothing")
    func missingDatabase() async throws {
        let dir = try TemporaryDirectory("tld-nodb")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        for args in [["customer", "list"], ["wearer", "list"], ["enrolment", "list"], ["cards", "list"],
                     ["unenrol", "TILM-00000001", "--name", "X", "--on", "2027-01-31"],
                     ["review"], ["overdue"], ["intake", "--customer", "K-1001"]] {
            let r = try await tld.run(args, in: dir.url, environment: Self.key)
            #expect(r.status == 66, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("no lab database at tld.sqlite"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("USAGE"), "a run-time error prints no usage text")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("tld.sqlite")))
        // Help is help (exit 0), also for a command group without its subcommand.
        let help = try await tld.run(["--help"], in: dir.url)
        #expect(help.status == 0 && help.stdout.contains("import") && help.stdout.contains("unenrol"))
        let group = try await tld.run(["customer"], in: dir.url)
        #expect(group.status == 0 && group.stdout.contains("SUBCOMMANDS"))
        // A command-line mistake is a usage error (64) with the usage text.
        let usage = try await tld.run(["cards", "add", "--type", "whole-body"], in: dir.url)
        #expect(usage.status == 64 && usage.stderr.contains("Usage"))
    }

    @Test("tld wearer list: names in Danish alphabetical order (Æ, Ø, Å after Z; Aa as Å), in every format")
    func wearerListDanishOrder() async throws {
        let dir = try TemporaryDirectory("tld-wearer-order")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        func run(_ args: [String]) async throws -> ProductRunner.Result {
            try await tld.run(args, in: dir.url, environment: Self.key)
        }
        #expect(try await run(["customer", "add", "--name", "Klinik", "--delivery-address", "Vej 1"]).status == 0)
        let names = ["Aaberg, Åse", "Zeuthen, Zack", "Øster, Ib", "andersen, Bo", "Ærø, Else", "Berg, Bo"]
        for (i, name) in names.enumerated() {
            let added = try await run(["wearer", "add", "--customer", "K-1001", "--name", name, "--national-id", "0101\(70 + i)-1234"])
            #expect(added.status == 0, "\(added.stderr)")
        }
        let csv = try await run(["wearer", "list", "--customer", "K-1001", "--format", "csv"])
        let listed = csv.stdout.split(separator: "\r\n").dropFirst().map { line in
            String(line.split(separator: "\"")[1])
        }
        #expect(listed == ["andersen, Bo", "Berg, Bo", "Zeuthen, Zack", "Ærø, Else", "Øster, Ib", "Aaberg, Åse"], "\(csv.stdout)")
        let table = try await run(["wearer", "list"])
        let order = ["Zeuthen", "Ærø", "Øster", "Aaberg"].compactMap { table.stdout.range(of: $0)?.lowerBound }
        #expect(order.count == 4 && order == order.sorted(), "\(table.stdout)")
    }

    @Test("a day of master data: customer, wearer, enrolment, cards, unenrol, from an empty directory")
    func masterDataCommands() async throws {
        let dir = try TemporaryDirectory("tld-master")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        func run(_ args: [String]) async throws -> ProductRunner.Result {
            try await tld.run(args, in: dir.url, environment: Self.key)
        }

        let add = try await run(["customer", "add", "--name", "Strålehospitalet", "--delivery-address", "Strålevej 1, 8200 Aarhus N",
                                 "--company-id", "31415926", "--contact-name", "Søren Ørum", "--contact-email", "s@example.dk",
                                 "--invoice-channel", "e-invoice", "--invoice-address", "5798000000001", "--invoice-reference", "PO-7"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("customer K-1001 Strålehospitalet added"))
        let badGLN = try await run(["customer", "add", "--name", "X", "--delivery-address", "Y", "--invoice-channel", "e-invoice",
                                    "--invoice-address", "5798000000002"])
        #expect(badGLN.status == 65 && badGLN.stderr.contains("GLN"))
        let json = try await run(["customer", "show", "K-1001", "--format", "json"])
        #expect(json.stdout.contains("\"invoice_channel\": \"e-invoice\"") && json.stdout.contains("\"company_id\": \"31415926\""))

        let wearer = try await run(["wearer", "add", "--customer", "K-1001", "--name", "Jensen, Mette", "--national-id", "010180-1234"])
        #expect(wearer.status == 0, "\(wearer.stderr)")
        #expect(wearer.stdout.contains("born 1980-01-01"))
        let twice = try await run(["wearer", "add", "--customer", "K-1001", "--name", "Mette J.", "--national-id", "0101801234"])
        #expect(twice.status == 65 && twice.stderr.contains("already recorded"))
        let wearers = try await run(["wearer", "list", "--format", "csv"])
        #expect(wearers.stdout.contains("1,K-1001,\"Jensen, Mette\",0101******,1980-01-01"))
        #expect(!wearers.stdout.contains("1234") && !wearers.stderr.contains("1234"), "the ID is never printed in full")

        let enrol = try await run(["enrolment", "add", "--wearer", "1", "--type", "whole-body", "--period", "1m", "--start", "2027-01-01",
                                   "--ordered", "2026-12-06"])
        #expect(enrol.status == 0, "\(enrol.stderr)")
        #expect(enrol.stdout.contains("TILM-00000001"))
        let badPeriod = try await run(["enrolment", "add", "--wearer", "1", "--type", "whole-body", "--period", "2w", "--start", "2027-01-01"])
        #expect(badPeriod.status == 65 && badPeriod.stderr.contains("not offered"))
        let list = try await run(["enrolment", "list", "--format", "csv"])
        #expect(list.stdout.contains("TILM-00000001,K-1001,1,\"Jensen, Mette\",whole-body,1m,1,,2027-01-01,,2026-12-06"))

        // Unenrolment: a wrong name is refused; the right one after the deadline keeps one more period.
        let wrong = try await run(["unenrol", "TILM-00000001", "--name", "Hansen, Mette", "--on", "2027-02-28", "--received", "2027-02-20"])
        #expect(wrong.status == 65 && wrong.stderr.contains("not the name"))
        let unenrol = try await run(["unenrol", "TILM-00000001", "--name", "Mette Jensen", "--on", "2027-02-28", "--received", "2027-02-20"])
        #expect(unenrol.status == 0, "\(unenrol.stderr)")
        #expect(unenrol.stdout.contains("received 2027-02-20, after the deadline 2027-02-15 for the period starting 2027-03-01: the enrolment ends 2027-03-31, one more card is sent"))
        let shown = try await run(["enrolment", "show", "TILM-00000001", "--format", "json"])
        #expect(shown.stdout.contains("\"end_date\": \"2027-03-31\""))

        // Card stock: Luhn check digits, a range, retire with a reason.
        let range = try await run(["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "10000016-10000057"])
        #expect(range.status == 0, "\(range.stderr)")
        #expect(range.stdout.contains("5 whole-body card(s)"))
        let badCheck = try await run(["cards", "add", "--type", "finger", "--elements", "2", "20000015"])
        #expect(badCheck.status == 65 && badCheck.stderr.contains("check digit"))
        let finger = try await run(["cards", "add", "--type", "finger", "--elements", "2", "20000014", "10000016"])
        #expect(finger.stdout.contains("1 finger card(s)") && finger.stdout.contains("1 already known"))
        let retire = try await run(["cards", "retire", "10000024", "--why", "cracked holder"])
        #expect(retire.status == 0 && retire.stdout.contains("retired (was available)"))
        let cards = try await run(["cards", "list", "--state", "available", "--format", "csv"])
        #expect(cards.stdout.split(separator: "\r\n").count == 6)  // header + 4 whole-body + 1 finger
        #expect(!cards.stdout.contains("10000024"))
    }

    @Test("tld import: the example file, again (nothing changes), and a bad file (exit 65, every bad row, nothing imported)")
    func importFile() async throws {
        let dir = try TemporaryDirectory("tld-import")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let example = RepoPaths.file("examples/lab-import.csv").path
        let first = try await tld.run(["import", "--verbose", example], in: dir.url, environment: Self.key)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("master data imported"), "the verbose log says what happened")
        #expect(!first.stderr.contains("010180") && !first.stderr.contains("Andersen"), "never an ID or a name in the log")
        for file in ["tld.sqlite", "tld.sqlite-wal"] {
            guard let raw = try? Data(contentsOf: dir.url.appendingPathComponent(file)) else { continue }
            #expect(raw.range(of: Data("0101801001".utf8)) == nil && raw.range(of: Data("010180-1001".utf8)) == nil, "\(file)")
            #expect(raw.range(of: Data("Andersen".utf8)) != nil || file.hasSuffix("-wal"), "the names are there: the search works")
        }
        #expect(first.stdout.contains("customers 3 added") && first.stdout.contains("wearers 19 added") && first.stdout.contains("enrolments 22 added"))
        let again = try await tld.run(["import", example], in: dir.url, environment: Self.key)
        #expect(again.status == 0 && again.stdout.contains("nothing to change"))
        let count = try await LabDatabaseQuery.lines(dir.path("tld.sqlite"), "SELECT count(*) FROM enrolment")
        #expect(count == ["22"])

        let bad = ImportFile.badExample
        try bad.write(to: dir.url.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let refused = try await tld.run(["import", "bad.csv", "--database", "other.sqlite"], in: dir.url, environment: Self.key)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("line 3: period \"6m\"") && refused.stderr.contains("line 4: change_day \"10\""))
        #expect(!FileManager.default.fileExists(atPath: dir.path("other.sqlite")), "a bad file creates no database")
        let missing = try await tld.run(["import", "nowhere.csv"], in: dir.url, environment: Self.key)
        #expect(missing.status == 66)
    }
}

enum ImportFile {
    static let header = "customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,dosimeter_type,period,change_day,start_date,end_date"
    static let badExample = header + "\r\n"
        + "K-1,Klinik,,Vej 1,,,\"A, B\",010180-1111,whole-body,1m,1,2027-01-01,\r\n"
        + "K-1,Klinik,,Vej 1,,,\"C, D\",020280-2222,whole-body,6m,1,2027-01-01,\r\n"
        + "K-1,Klinik,,Vej 1,,,\"E, F\",030380-3333,whole-body,1m,10,2027-01-01,\r\n"
}

@Suite("tld exit codes: a database locked by another program", .serialized)
struct LockedDatabaseTests {
    @Test("a write while another program holds the lock gives up after the busy timeout with exit 75, one line")
    func lockedDatabase() async throws {
        let dir = try TemporaryDirectory("tld-locked")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let env = MasterDataEndToEndTests.key
        let first = try await tld.run(["customer", "add", "--name", "A", "--delivery-address", "B"], in: dir.url, environment: env)
        try #require(first.status == 0, "\(first.stderr)")
        // sqlite3 takes the write lock, says so with a file, holds it 8 s, then rolls back.
        let sqlite = ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        async let locker = sqlite.run([dir.path("tld.sqlite"), "BEGIN EXCLUSIVE;", "INSERT INTO cardTransition VALUES ('x', 'y');",
                                       ".shell touch locked", ".shell sleep 8", "ROLLBACK;"], in: dir.url)
        var waited = 0
        while !FileManager.default.fileExists(atPath: dir.path("locked")) && waited < 500 {
            try await Task.sleep(for: .milliseconds(20))  // waits for the other process, not for time to pass
            waited += 1
        }
        let r = try await tld.run(["customer", "add", "--name", "C", "--delivery-address", "D"], in: dir.url, environment: env)
        #expect(r.status == 75, "\(r.status): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && !r.stderr.contains("Usage"))
        _ = try await locker
        let after = try await tld.run(["customer", "list", "--format", "csv"], in: dir.url, environment: env)
        #expect(after.stdout.split(separator: "\r\n").count == 2, "only K-1001: the refused write left nothing")
    }
}

@Suite("tld review --correct keeps what is not corrected", .serialized)
struct ReviewCorrectionKeepsTests {
    @Test("--correct with --hp10 only keeps the evaluated Hp(0.07) and says so")
    func correctKeepsHp007() async throws {
        let dir = try TemporaryDirectory("tld-correct")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let common = ["--database", "lab.sqlite"]
        let demo = try await tld.run(["demo", "--out", "out", "--physicist-reviews", "--review-level", "0.5"] + common, in: dir.url)
        try #require(demo.status == 0, "stderr: \(demo.stderr)")
        let db = dir.path("lab.sqlite")
        let before = try await LabDatabaseQuery.lines(db, """
            SELECT id || ' ' || cardID || ' ' || printf('%.6f', hp007MilliSievert) FROM doseResult
            WHERE supersededAt IS NULL AND state = 'needsReview' AND hp007MilliSievert IS NOT NULL ORDER BY cardID LIMIT 1
            """)
        let fields = try #require(before.first).split(separator: " ").map(String.init)
        let r = try await tld.run(["review", "--correct", fields[0], "--hp10", "1.5", "--who", "Dr. P", "--why", "element 2 cracked"] + common,
                                  in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("Hp(0.07) kept as evaluated"), "\(r.stdout)")
        let after = try await LabDatabaseQuery.lines(db, """
            SELECT printf('%.6f', hp10MilliSievert) || ' ' || printf('%.6f', hp007MilliSievert) FROM doseResult
            WHERE cardID = '\(fields[1])' AND supersededAt IS NULL
            """)
        #expect(after == ["1.500000 \(fields[2])"])
    }
}
