import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import TestSupport
import Testing

/// End to end with the real `tld` binary, from an empty directory: monitoring levels (`tld levels`),
/// the cases every evaluation, release and correction opens (`tld cases`), the authority notifications
/// of Hp(10) > 10 mSv in a period and > 15 mSv in a calendar year (`tld notifications`), and the
/// investigation a case needs before it closes. The lab's master data are seeded through store calls,
/// as in ReturnsEndToEndTests.
///
/// Holm works for two customers (same national ID): 8 mSv in July at K-1002, 8 mSv in October at
/// K-1001, so her year crosses 15 mSv only with the second release. Nielsen gets 12 mSv in October
/// (above 10 mSv in one period; corrected to 11.5 mSv by the physicist). Jensen gets 0.05 mSv: no case.
@Suite("Levels, cases and notifications", .serialized)
struct CasesEndToEndTests {
    static let logger = Logger(label: "CasesEndToEndTests") { _ in SwiftLogNoOpLogHandler() }
    static func day(_ s: String) throws -> CalendarDay { try CalendarDay(parsing: s) }

    /// Enrols the people and issues their cards; returns the card of each.
    static func seed(_ db: String) throws -> [String: String] {
        let store = try SQLiteLabStore.open(path: db, logger: logger)
        let protector = try NationalIDKeyring.protector(environment: [:], keyFile: db + ".key", store: store)
        _ = try store.saveCustomer(Customer(id: "K-1001", name: "Nordklinik"))
        _ = try store.saveCustomer(Customer(id: "K-1002", name: "Sydklinik"))
        // (name, national ID, customer, card serial, period start, period end, dispatched)
        let issues: [(String, String, String, Int, String, String, String)] = [
            ("Holm, Anna", "070777-7777", "K-1002", 11, "2026-07-01", "2026-07-31", "2026-06-20"),
            ("Holm, Anna", "070777-7777", "K-1001", 12, "2026-10-01", "2026-10-31", "2026-09-20"),
            ("Nielsen, Peter", "050565-5555", "K-1001", 13, "2026-10-01", "2026-10-31", "2026-09-20"),
            ("Jensen, Mette", "010180-1111", "K-1001", 14, "2026-10-01", "2026-10-31", "2026-09-20"),
            ("Berg, Bo", "040490-4444", "K-1001", 15, "2026-10-01", "2026-10-31", "2026-09-20"),  // never returned
        ]
        try store.addCards(issues.map { Card(id: ReturnsEndToEndTests.cardID(2, $0.3), dosimeterType: .wholeBody, stateChangedAt: Date()) })
        var cards: [String: String] = [:]
        for (name, cpr, customer, serial, start, end, dispatched) in issues {
            let w = try store.addWearer(customerID: customer, name: name, nationalID: try protector.protect(cpr))
            let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: customer, dosimeterType: .wholeBody, periodLength: .oneMonth,
                                              startDate: try day("2026-06-01"), orderedOn: try day("2026-05-20")))
            let card = ReturnsEndToEndTests.cardID(2, serial)
            cards["\(name) \(customer)"] = card
            _ = try store.issueCards([IssueRequest(cardID: card, enrolmentID: e.id!, periodStart: try day(start), periodEnd: try day(end))],
                                     customerID: customer, dispatchedOn: try day(dispatched))
        }
        return cards
    }

    /// The customer's cards come back and pass inspection.
    static func returnCards(_ db: String, customer: String, cards: [String], on arrival: String, damaged: Set<String> = []) throws {
        let store = try SQLiteLabStore.open(path: db, logger: logger)
        var station = try IntakeStation.open(store: store, customerID: customer, arrivedOn: try day(arrival), logger: logger)
        for card in cards { _ = try station.scan(card) }
        _ = try station.close()
        for card in cards {
            let broken = damaged.contains(card)
            _ = try store.saveInspection(CardInspection(cardID: card, issueID: nil, stage: .arrival, outcome: broken ? .manualQA : .fit,
                                                        damages: broken ? [Damage(.crackedPellet, element: 2)] : [],
                                                        remark: broken ? "element 2 cracked: read with care" : "", inspectedBy: "tech", inspectedAt: Date()))
        }
    }

    /// A scenario of the open returns with the given Hp(10) per card, read on the simulator.
    static func readOut(_ tld: ProductRunner, _ dir: TemporaryDirectory, doses: [String: Double], group: String, extra: [String] = []) async throws {
        let common = ["--database", "lab.sqlite"]
        let made = try await tld.run(["scenario", "--from-returns", "--out", "\(group).json", "--dose-mSv", "0.05"] + common, in: dir.url)
        #expect(made.status == 0, "stderr: \(made.stderr)")
        let url = dir.url.appendingPathComponent("\(group).json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var list = json["cards"] as! [[String: Any]]
        for i in list.indices { if let id = list[i]["id"] as? String, let d = doses[id] { list[i]["hp10MilliSievert"] = d; list[i]["hp007MilliSievert"] = d } }
        json["cards"] = list
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        let read = try await tld.run(["readout", "--simulate", "--scenario", "\(group).json", "--new-shipment", "--speed-ms", "0", "--group-id", group] + extra + common, in: dir.url)
        #expect(read.status == 0, "stderr: \(read.stderr)")
    }

    static var utcToday: String {
        CalendarDay(daysSinceEpoch: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))).description
    }

    @Test("a dose above 10 mSv and a year above 15 mSv across periods and customers: cases, notifications the same day, once")
    func casesAndNotifications() async throws {
        let dir = try TemporaryDirectory("tld-cases")
        defer { if ProcessInfo.processInfo.environment["KEEP_TEST_DIR"] == nil { dir.cleanup() } }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        let cards = try Self.seed(db)
        let q = { (sql: String) async throws -> [String] in try await LabDatabaseQuery.lines(db, sql) }

        // Levels: the Czech defaults until set; set with who; a partial setting keeps the rest.
        let defaults = try await tld.run(["levels", "show", "--customer", "K-1001"] + common, in: dir.url)
        #expect(defaults.stdout.contains("(defaults)") && defaults.stdout.contains("0.125") && defaults.stdout.contains("6.000"))
        // K-1001's review level 9 mSv: Holm's 8 mSv is released by tld release without review.
        let set = try await tld.run(["levels", "set", "--customer", "K-1001", "--review-mSv", "9", "--report-mSv", "10", "--who", "J. Physicist",
                                     "--valid-from", "2026-01-01"] + common, in: dir.url)
        #expect(set.status == 0, "stderr: \(set.stderr)")
        let partial = try await tld.run(["levels", "set", "--customer", "K-1001", "--investigation-quarter-mSv", "0.4", "--who", "J. Physicist",
                                         "--valid-from", "2026-06-01"] + common, in: dir.url)
        #expect(partial.status == 0, "stderr: \(partial.stderr)")
        #expect(partial.stdout.contains("review above 9.0 mSv") && partial.stdout.contains("investigation per 3 months 0.4 mSv"))
        let badOrder = try await tld.run(["levels", "set", "--customer", "K-1001", "--investigation-year-mSv", "7", "--valid-from", "2026-07-01"] + common, in: dir.url)
        #expect(badOrder.status == 65 && badOrder.stderr.contains("investigation level must not be above the intervention level"))
        let none = try await tld.run(["levels", "set", "--customer", "K-1001"] + common, in: dir.url)
        #expect(none.status == 64 && none.stderr.contains("give at least one level"))
        let shown = try await tld.run(["levels", "show", "--customer", "K-1001"] + common, in: dir.url)
        #expect(shown.stdout.contains("K-1001      2026-06-01") && shown.stdout.contains("0.400") && shown.stdout.contains("J. Physicist"))

        // July, K-1002: Holm 8 mSv. Cases for her quarter and year, no notification (8 ≤ 10, ≤ 15).
        try Self.returnCards(db, customer: "K-1002", cards: [cards["Holm, Anna K-1002"]!], on: "2026-08-04")
        try await Self.readOut(tld, dir, doses: [cards["Holm, Anna K-1002"]!: 8.0], group: "R-JUL")
        let julRelease = try await tld.run(["review", "--accept", try await q("SELECT id FROM doseResult WHERE cardID = '\(cards["Holm, Anna K-1002"]!)'").first ?? "",
                                            "--who", "Dr. P", "--why", "plausible"] + common, in: dir.url)
        #expect(julRelease.status == 0, "stderr: \(julRelease.stderr)")
        #expect(try await q("SELECT count(*) FROM authorityNotification") == ["0"])
        #expect(try await q("SELECT kind || ' ' || periodKey FROM levelCase ORDER BY kind, periodKey") == [
            "dose-constraint-year 2026", "intervention-quarter 2026-Q3", "intervention-year 2026", "investigation-quarter 2026-Q3", "investigation-year 2026",
        ])

        // October, K-1001: Holm 8 (year 16 > 15), Nielsen 12 (> 10 in the period), Jensen 0.05.
        try Self.returnCards(db, customer: "K-1001", cards: [cards["Holm, Anna K-1001"]!, cards["Nielsen, Peter K-1001"]!, cards["Jensen, Mette K-1001"]!],
                             on: "2026-11-03", damaged: [cards["Jensen, Mette K-1001"]!])
        try await Self.readOut(tld, dir, doses: [cards["Holm, Anna K-1001"]!: 8.0, cards["Nielsen, Peter K-1001"]!: 12.0], group: "R-OCT")
        // Evaluated, not released yet: the cases are open, no notification goes out for a dose that may change.
        #expect(try await q("SELECT count(*) FROM levelCase WHERE kind IN ('notifiable-year', 'notifiable-period')") == ["2"])
        #expect(try await q("SELECT count(*) FROM authorityNotification") == ["0"])

        // Release: Holm's 8 mSv (below K-1001's review level 9) is released: her year is above 15 mSv.
        let release = try await tld.run(["release", "--batch", "R-OCT"] + common, in: dir.url)
        #expect(release.status == 0, "stderr: \(release.stderr)")
        #expect(release.stdout.contains("1 authority notification(s) to send today"))
        // Nielsen's 12 mSv is under review (above the report level): corrected, and released with that.
        let nielsen = try await q("SELECT id FROM doseResult WHERE cardID = '\(cards["Nielsen, Peter K-1001"]!)' AND supersededAt IS NULL").first ?? ""
        let corrected = try await tld.run(["review", "--correct", nielsen, "--hp10", "11.5", "--who", "Dr. P", "--why", "element 2 checked"] + common, in: dir.url)
        #expect(corrected.status == 0, "stderr: \(corrected.stderr)")
        #expect(corrected.stdout.contains("2 authority notification(s) to send today"))

        // Every notification raised today, exactly one per case; nothing for Jensen.
        #expect(try await q("SELECT c.kind || ' ' || c.customerID || ' ' || n.raisedOn FROM authorityNotification n JOIN levelCase c ON c.id = n.caseID ORDER BY n.id") == [
            "notifiable-year K-1001 \(Self.utcToday)", "notifiable-period K-1001 \(Self.utcToday)",
        ])
        let jensenCases = try await q("""
            SELECT count(*) FROM levelCase c JOIN wearer w ON w.id = c.wearerID WHERE w.name = 'Jensen, Mette'
            """)
        #expect(jensenCases == ["0"])
        let caseCount = try await q("SELECT count(*) FROM levelCase")
        #expect(caseCount == ["14"], "Holm: 5 in Q3/2026 + 2 in Q4 + notifiable year; Nielsen: 5 + notifiable period")

        // Run again: release, evaluate and a full check open and raise nothing more.
        _ = try await tld.run(["release"] + common, in: dir.url)
        _ = try await tld.run(["evaluate"] + common, in: dir.url)
        let check = try await tld.run(["cases", "check"] + common, in: dir.url)
        #expect(check.status == 0 && check.stdout.contains("0 case(s) opened, 0 notification(s) raised"), "\(check.stdout) \(check.stderr)")
        #expect(try await q("SELECT count(*) FROM levelCase") == caseCount)
        #expect(try await q("SELECT count(*) FROM authorityNotification") == ["2"])

        // The list of notifications, and the documents: the national ID as its first 4 digits only.
        let list = try await tld.run(["notifications", "list"] + common, in: dir.url)
        #expect(list.status == 0 && list.stdout.contains("N-\(Self.utcToday.prefix(4))-0001") && list.stdout.contains("NOT SENT"))
        #expect(list.stdout.contains("Nielsen, Peter 0505******") && !list.stdout.contains("050565"))
        let nielsenNotice = try await q("""
            SELECT n.id FROM authorityNotification n JOIN levelCase c ON c.id = n.caseID WHERE c.kind = 'notifiable-period'
            """).first ?? ""
        let show = try await tld.run(["notifications", "show", nielsenNotice, "--out", "notices"] + common, in: dir.url)
        #expect(show.status == 0, "stderr: \(show.stderr)")
        #expect(show.stdout.contains("Hp(10) in the period:          11.50 mSv"), "the released (corrected) dose, not the evaluated one")
        #expect(show.stdout.contains("above 10 mSv in one monitoring period") && show.stdout.contains("Evaluation of the causes"))
        let report = try #require(try await q("SELECT reportNumber FROM authorityNotification WHERE id = \(nielsenNotice)").first)
        let pdf = try await Poppler.run("pdftotext", ["-layout", "notices/notification-\(report).pdf", "-"], in: dir.url)
        #expect(pdf.contains("NOTIFICATION OF AN ELEVATED PERSONAL DOSE") && pdf.contains("11.50 mSv"))
        #expect(pdf.contains("0505******") && !pdf.contains("050565") && !pdf.contains("5555"))
        let letter = try await Poppler.run("pdftotext", ["-layout", "notices/letter-\(report).pdf", "-"], in: dir.url)
        #expect(letter.contains("We have notified the health authority") && letter.contains("Nordklinik"))
        let holmNotice = try await q("""
            SELECT n.id FROM authorityNotification n JOIN levelCase c ON c.id = n.caseID WHERE c.kind = 'notifiable-year'
            """).first ?? ""
        let holmShow = try await tld.run(["notifications", "show", holmNotice] + common, in: dir.url)
        #expect(holmShow.stdout.contains("calendar year 2026") && holmShow.stdout.contains("Holm, Anna"))
        let ytd = holmShow.stdout.split(separator: "\n").first { $0.contains("Hp(10) in 2026 to date") }.map(String.init) ?? ""
        let ytdValue = Double(ytd.split(separator: " ").dropLast().last ?? "") ?? 0
        #expect(ytdValue > 15 && ytdValue < 17, "both customers' doses: \(ytd)")

        // Cases: listed with deadlines; a notifiable case is due today.
        let casesList = try await tld.run(["cases"] + common, in: dir.url)
        #expect(casesList.status == 0)
        #expect(casesList.stdout.contains("notifiable-period") && casesList.stdout.contains(Self.utcToday) && casesList.stdout.contains("NOTIFY"))
        let nielsenCase = try await q("SELECT id FROM levelCase WHERE kind = 'notifiable-period'").first ?? ""

        // Closing needs a complete investigation, then a sent notification.
        let early = try await tld.run(["cases", "close", nielsenCase, "--who", "Dr. P"] + common, in: dir.url)
        #expect(early.status == 65 && early.stderr.contains("lacks personal dose or not"))
        let part = try await tld.run(["cases", "investigate", nielsenCase, "--who", "Dr. P", "--personal-dose", "yes", "--apron", "yes",
                                      "--refined-mSv", "1.2", "--method", "apron factor 0.1 on Hp(10)"] + common, in: dir.url)
        #expect(part.status == 0 && part.stdout.contains("still missing: causes"))
        let stillEarly = try await tld.run(["cases", "close", nielsenCase, "--who", "Dr. P"] + common, in: dir.url)
        #expect(stillEarly.status == 65 && stillEarly.stderr.contains("lacks causes") && !stillEarly.stderr.contains("personal dose or not"))
        // The database refuses it too, whatever the program (a case without a notification here).
        let plain = try await q("SELECT id FROM levelCase WHERE kind = 'investigation-quarter' ORDER BY id LIMIT 1").first ?? ""
        let raw = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run([db, "UPDATE levelCase SET closedAt = '2026-12-01 00:00:00.000', closedBy = 'x' WHERE id = \(plain)"], in: dir.url)
        #expect(raw.status != 0 && raw.stderr.contains("complete investigation"), "sqlite3: \(raw.stderr)")
        let rest = try await tld.run(["cases", "investigate", nielsenCase, "--who", "Dr. P", "--causes", "long fluoroscopy without ceiling shield",
                                      "--actions", "ceiling shield mounted; rota", "--informed-by", "RPO A. Berg", "--informed-on", "2026-11-20"] + common, in: dir.url)
        #expect(rest.status == 0 && rest.stdout.contains("investigation complete"))
        let unsent = try await tld.run(["cases", "close", nielsenCase, "--who", "Dr. P"] + common, in: dir.url)
        #expect(unsent.status == 65 && unsent.stderr.contains("not marked sent"))
        let sent = try await tld.run(["notifications", "mark-sent", nielsenNotice, "--who", "Dr. P", "--how", "secure-email"] + common, in: dir.url)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let twice = try await tld.run(["notifications", "mark-sent", nielsenNotice, "--who", "Dr. P", "--how", "post"] + common, in: dir.url)
        #expect(twice.status == 65 && twice.stderr.contains("marked sent already"))
        // The case followed the correction: its value is the released 11.5 mSv, not the evaluated 12.
        #expect(try await q("SELECT printf('%.2f', valueMilliSievert) FROM levelCase WHERE id = \(nielsenCase)") == ["11.50"])
        let badHow = try await tld.run(["notifications", "mark-sent", holmNotice, "--who", "Dr. P", "--how", "pigeon"] + common, in: dir.url)
        #expect(badHow.status == 64)
        let closed = try await tld.run(["cases", "close", nielsenCase, "--who", "Dr. P"] + common, in: dir.url)
        #expect(closed.status == 0, "stderr: \(closed.stderr)")
        #expect(try await q("SELECT sentBy || ' ' || sentHow FROM authorityNotification WHERE id = \(nielsenNotice)") == ["Dr. P secure-email"])
        let after = try await tld.run(["notifications", "list"] + common, in: dir.url)
        #expect(!after.stdout.contains("Nielsen") && after.stdout.contains("Holm, Anna"))
        let shownCase = try await tld.run(["cases", "show", nielsenCase] + common, in: dir.url)
        #expect(shownCase.stdout.contains("closed") && shownCase.stdout.contains("ceiling shield mounted") && shownCase.stdout.contains("sent"))
        let closedList = try await tld.run(["cases"] + common, in: dir.url)
        #expect(!closedList.stdout.contains("notifiable-period"))
        // The Swedish annual review's input: the notification shows the investigation once recorded.
        let withCauses = try await tld.run(["notifications", "show", nielsenNotice] + common, in: dir.url)
        #expect(withCauses.stdout.contains("long fluoroscopy without ceiling shield") && withCauses.stdout.contains("SENT"))
    
        // The annual review of 2026 (item 8): Jensen's damaged card is accepted first, so the review is FINAL.
        let jensen = try await q("SELECT id FROM doseResult WHERE cardID = '\(cards["Jensen, Mette K-1001"]!)' AND supersededAt IS NULL").first ?? ""
        let accepted = try await tld.run(["review", "--accept", jensen, "--who", "Dr. P", "--why", "manual QA passed"] + common, in: dir.url)
        #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
        let dueBefore = try await tld.run(["annual", "--due", "--on", "2027-02-15"] + common, in: dir.url)
        #expect(dueBefore.status == 0 && dueBefore.stdout.contains("K-1001") && dueBefore.stdout.contains("K-1002"))
        #expect(dueBefore.stdout.contains("2027-03-01") && dueBefore.stdout.contains("due in 14 day(s)"))
        let annual = try await tld.run(["annual", "--customer", "K-1001", "--year", "2026", "--out", "reviews", "--who", "Dr. P"] + common, in: dir.url)
        #expect(annual.status == 0, "stderr: \(annual.stderr)")
        #expect(annual.stdout.contains("AR-K-1001-2026 (FINAL): 4 worker(s)"))
        let reviewText = try RepoPaths.text(dir.url.appendingPathComponent("reviews/annual-K-1001-2026.txt"))
        let holmLine = reviewText.split(separator: "\n").first { $0.hasPrefix("Holm, Anna") }.map(String.init) ?? ""
        let holmFigures = holmLine.split(separator: " ").compactMap { Double($0) }
        // 2022–2025 nothing, 2026 ≈ 8 at K-1001, ≈ 16 at all customers, 1 period, 0 pending.
        #expect(holmFigures.count == 8 && holmFigures[0...3].allSatisfy { $0 == 0 }, "\(holmLine)")
        #expect(holmFigures.count == 8 && abs(holmFigures[4] - 8) < 0.8 && abs(holmFigures[5] - 16) < 1.6 && holmFigures[6] == 1 && holmFigures[7] == 0, "\(holmLine)")
        #expect(reviewText.contains("0707******") && !reviewText.contains("070777"))
        #expect(reviewText.contains("Hp(10) above 10 mSv in one period") && reviewText.contains("ceiling shield mounted"))
        #expect(reviewText.contains("not returned") && reviewText.contains("Berg, Bo"))
        #expect(reviewText.contains("damaged on arrival (manualQA: cracked pellet (element 2))"))
        #expect(!reviewText.contains("Holm, Anna") || !reviewText.contains("dose-constraint-year 2026-Q"), "year cases are keyed by the year")
        let reviewPDF = try await Poppler.run("pdftotext", ["-layout", "reviews/annual-K-1001-2026.pdf", "-"], in: dir.url)
        #expect(reviewPDF.contains("ANNUAL RADIATION-SAFETY REVIEW 2026") && reviewPDF.contains("Nielsen, Peter"))
        let reviewHTML = try RepoPaths.text(dir.url.appendingPathComponent("reviews/annual-K-1001-2026.html"))
        #expect(reviewHTML.contains("<svg") && reviewHTML.contains(">2022<") && reviewHTML.contains("Nordklinik"))
        let dueAfter = try await tld.run(["annual", "--due", "--on", "2027-03-02"] + common, in: dir.url)
        let k1001 = dueAfter.stdout.split(separator: "\n").first { $0.hasPrefix("K-1001") }.map(String.init) ?? ""
        let k1002 = dueAfter.stdout.split(separator: "\n").first { $0.hasPrefix("K-1002") }.map(String.init) ?? ""
        #expect(k1001.contains("written") && k1002.contains("OVERDUE"), "\(dueAfter.stdout)")
        let noCustomer = try await tld.run(["annual", "--customer", "K-9999", "--year", "2026"] + common, in: dir.url)
        #expect(noCustomer.status == 65 && noCustomer.stderr.contains("no customer K-9999"))
    }

    @Test("a release whose level check never ran (killed in between): the next tld command raises the notification, once")
    func releaseKilledBeforeItsCheck() async throws {
        let dir = try TemporaryDirectory("tld-cases-catchup")
        defer { if ProcessInfo.processInfo.environment["KEEP_TEST_DIR"] == nil { dir.cleanup() } }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        let cards = try Self.seed(db)
        let q = { (sql: String) async throws -> [String] in try await LabDatabaseQuery.lines(db, sql) }
        try Self.returnCards(db, customer: "K-1001", cards: [cards["Nielsen, Peter K-1001"]!], on: "2026-11-03")
        try await Self.readOut(tld, dir, doses: [cards["Nielsen, Peter K-1001"]!: 12.0], group: "R-OCT")
        // The dose released as a release would, and the command killed before its level check ran.
        let dose = try await q("SELECT id FROM doseResult WHERE cardID = '\(cards["Nielsen, Peter K-1001"]!)' AND supersededAt IS NULL").first ?? ""
        let raw = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run([db, "UPDATE doseResult SET state = 'released' WHERE id = \(dose)"], in: dir.url)
        #expect(raw.status == 0, "sqlite3: \(raw.stderr)")
        #expect(try await q("SELECT count(*) FROM authorityNotification") == ["0"])
        let list = try await tld.run(["notifications", "list"] + common, in: dir.url)
        #expect(list.status == 0, "stderr: \(list.stderr)")
        #expect(list.stdout.contains("Nielsen, Peter") && list.stdout.contains(Self.utcToday) && list.stdout.contains("NOT SENT"))
        let again = try await tld.run(["cases", "check"] + common, in: dir.url)
        #expect(again.stdout.contains("0 notification(s) raised"))
        #expect(try await q("SELECT count(*) FROM authorityNotification") == ["1"])
        #expect(try await q("SELECT count(*) FROM doseLevelCheck WHERE doseID = \(dose)") == ["1"])
    }
}
