import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import TestSupport
import Testing

/// End to end with the real `tld` binary, from an empty database: a customer's returned cards are
/// made into a simulator scenario (`tld scenario --from-returns`), read (`tld readout --simulate
/// --scenario`), attributed to their issues, routed by the customer's levels (`tld levels`), reviewed
/// (`tld review`), released (`tld release`) and listed (`tld results`). The lab is seeded through store
/// calls until the master-data commands exist.
@Suite("Returned cards: scenario, readout, review, release, results", .serialized)
struct ReturnsEndToEndTests {
    static let logger = Logger(label: "ReturnsEndToEndTests") { _ in SwiftLogNoOpLogHandler() }

    static func cardID(_ prefix: Int, _ serial: Int) -> String {
        let s = String(serial)
        let body = "\(prefix)" + String(repeating: "0", count: max(0, 6 - s.count)) + s
        var sum = 0
        for (i, ch) in body.reversed().enumerated() {
            var d = Int(String(ch)) ?? 0
            if i % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return body + String((10 - sum % 10) % 10)
    }

    /// K-1001: Jensen and Nielsen (whole-body), Hansen (finger), Berg (neutron), all returned on
    /// 2026-11-03 and inspected; Jensen's card was worn by Kristensen (reported with her ID at return).
    static func seed(_ db: String) throws -> [String: String] {
        let store = try SQLiteLabStore.open(path: db, logger: logger)
        // A new lab: the key file is created and its check value recorded, as tld does.
        let protector = try NationalIDKeyring.protector(environment: [:], keyFile: db + ".key", store: store)
        _ = try store.saveCustomer(Customer(id: "K-1001", name: "Nordklinik"))
        let people: [(String, String, DosimeterType, PeriodLength)] = [
            ("Jensen, Mette", "010180-1111", .wholeBody, .threeMonths), ("Nielsen, Peter", "050565-5555", .wholeBody, .threeMonths),
            ("Hansen, Kirsten", "060670-6666", .finger, .oneMonth), ("Berg, Bo", "040490-4444", .neutron, .threeMonths),
        ]
        var cards: [String: String] = [:]
        var requests: [IssueRequest] = []
        try store.addCards(people.indices.map { Card(id: cardID(1, $0 + 1), dosimeterType: people[$0].2, stateChangedAt: Date()) }
                           + [Card(id: cardID(1, 77), dosimeterType: .wholeBody, stateChangedAt: Date())])
        for (i, (name, cpr, type, length)) in people.enumerated() {
            let w = try store.addWearer(customerID: "K-1001", name: name, nationalID: try protector.protect(cpr))
            let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: "K-1001", dosimeterType: type, periodLength: length,
                                              startDate: try CalendarDay(parsing: "2026-07-15"), orderedOn: try CalendarDay(parsing: "2026-06-20")))
            cards[name] = cardID(1, i + 1)
            requests.append(IssueRequest(cardID: cardID(1, i + 1), enrolmentID: e.id!, periodStart: try CalendarDay(parsing: "2026-10-01"),
                                         periodEnd: try CalendarDay(parsing: "2026-10-31")))
        }
        _ = try store.issueCards(requests, customerID: "K-1001", dispatchedOn: try CalendarDay(parsing: "2026-09-20"))
        var station = try IntakeStation.open(store: store, customerID: "K-1001", arrivedOn: try CalendarDay(parsing: "2026-11-03"), logger: logger)
        station.reportHandover(cardID: cards["Jensen, Mette"]!, to: "Kristensen, Karen", nationalID: try protector.protect("080888-8888"))
        for card in cards.values.sorted() { _ = try station.scan(card) }
        _ = try station.close()
        for card in cards.values.sorted() {
            _ = try store.saveInspection(CardInspection(cardID: card, issueID: nil, stage: .arrival, outcome: .fit, damages: [],
                                                        remark: "", inspectedBy: "tech", inspectedAt: Date()))
        }
        cards["stray"] = cardID(1, 77)
        return cards
    }

    @Test("a day's returns on the simulator through to the customer's result list")
    func returnsToResultList() async throws {
        let dir = try TemporaryDirectory("tld-returns")
        defer { if ProcessInfo.processInfo.environment["KEEP_TEST_DIR"] == nil { dir.cleanup() } }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        let cards = try Self.seed(db)

        // Levels: set, refused when nonsense, shown with history.
        let set = try await tld.run(["levels", "set", "--customer", "K-1001", "--review-mSv", "1", "--report-mSv", "10", "--valid-from", "2026-01-01"] + common, in: dir.url)
        #expect(set.status == 0, "stderr: \(set.stderr)")
        let bad = try await tld.run(["levels", "set", "--customer", "K-1001", "--review-mSv", "12", "--report-mSv", "10"] + common, in: dir.url)
        #expect(bad.status == 65 && bad.stderr.contains("must not be above the report level") && !bad.stderr.contains("USAGE"))
        let show = try await tld.run(["levels", "show"] + common, in: dir.url)
        #expect(show.stdout.contains("K-1001      2026-01-01") && show.stdout.contains("10.000"))

        // The scenario of the open returns: the four returned cards and the lab's own dosimeters.
        let made = try await tld.run(["scenario", "--from-returns", "--out", "day.json", "--dose-mSv", "0.4"] + common, in: dir.url)
        #expect(made.status == 0, "stderr: \(made.stderr)")
        #expect(made.stdout.contains("4 returned card(s), 3 calibration and 2 control"))
        // Nielsen's card got 14.2 mSv; a card the lab does not expect is in the magazine too.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.url.appendingPathComponent("day.json"))) as! [String: Any]
        var list = json["cards"] as! [[String: Any]]
        for i in list.indices where list[i]["id"] as? String == cards["Nielsen, Peter"] {
            list[i]["hp10MilliSievert"] = 14.2
            list[i]["hp007MilliSievert"] = 14.2
        }
        var stray = list.last!
        stray["id"] = cards["stray"]
        list.append(stray)
        json["cards"] = list
        try JSONSerialization.data(withJSONObject: json).write(to: dir.url.appendingPathComponent("day.json"))

        let read = try await tld.run(["readout", "--simulate", "--scenario", "day.json", "--new-shipment", "--speed-ms", "0", "--group-id", "R-DAY"] + common, in: dir.url)
        #expect(read.status == 0, "stderr: \(read.stderr)")
        #expect(read.stderr.contains("4 card(s) attributed to the issues"))
        #expect(read.stderr.contains("UNEXPECTED card \(cards["stray"]!)"))
        #expect(read.stderr.contains("need review (tld review)") && read.stderr.contains("above report level 1"))

        // Review says why each dose is there.
        let review = try await tld.run(["review", "--no-curves"] + common, in: dir.url)
        #expect(review.status == 0)
        #expect(review.stdout.contains("why: above report level: Hp(10)"))
        #expect(review.stdout.contains("why: unexpected card"))
        #expect(review.stdout.contains("why: neutron card not evaluated"))
        #expect(review.stdout.contains("why: above review level") == false, "0.4 mSv and the finger's 0.4 mSv stay below 1 mSv")

        // Before release: a DRAFT with every line pending.
        let draft = try await tld.run(["results", "--customer", "K-1001", "--out", "out", "--period-end", "2026-10-31"] + common, in: dir.url)
        #expect(draft.status == 0, "stderr: \(draft.stderr)")
        let draftCSV = try RepoPaths.text(dir.url.appendingPathComponent("out/results-K-1001-2026-10-31.csv"))
        #expect(draftCSV.contains(",pending,"))
        #expect(try RepoPaths.text(dir.url.appendingPathComponent("out/results-K-1001-2026-10-31.txt")).hasPrefix("DRAFT"))

        // Release: the unflagged doses; the others wait.
        let release = try await tld.run(["release", "--batch", "R-DAY"] + common, in: dir.url)
        #expect(release.status == 0, "stderr: \(release.stderr)")
        #expect(release.stdout.contains("under review"))
        let doseOf = { (card: String) async throws -> String in
            try await LabDatabaseQuery.lines(db, "SELECT id FROM doseResult WHERE cardID = '\(card)' AND supersededAt IS NULL").first ?? ""
        }
        let nielsen = try await doseOf(cards["Nielsen, Peter"]!)
        // Corrections: values checked before anything is stored; Hp(0.07) kept when not given.
        let negative = try await tld.run(["review", "--correct", nielsen, "--hp10=-5", "--who", "Dr. P", "--why", "x"] + common, in: dir.url)
        #expect(negative.status == 65 && negative.stderr.contains("measuring range") && !negative.stderr.contains("USAGE"))
        let huge = try await tld.run(["review", "--correct", nielsen, "--hp10", "1e308", "--who", "Dr. P", "--why", "x"] + common, in: dir.url)
        #expect(huge.status == 65)
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM doseResult WHERE id = \(nielsen)") == ["needsReview"])
        let hp007Before = try await LabDatabaseQuery.lines(db, "SELECT hp007MilliSievert FROM doseResult WHERE id = \(nielsen)")
        let corrected = try await tld.run(["review", "--correct", nielsen, "--hp10", "13.9", "--who", "Dr. P", "--why", "element 2 checked"] + common, in: dir.url)
        #expect(corrected.status == 0, "stderr: \(corrected.stderr)")
        #expect(corrected.stdout.contains("Hp(0.07) kept as evaluated"))
        #expect(try await LabDatabaseQuery.lines(db, """
            SELECT hp007MilliSievert FROM doseResult WHERE cardID = '\(cards["Nielsen, Peter"]!)' AND supersededAt IS NULL
            """) == hp007Before)
        let berg = try await doseOf(cards["Berg, Bo"]!)
        _ = try await tld.run(["review", "--correct", berg, "--hp10", "0.6", "--hp007", "0.6", "--who", "Dr. P", "--why", "neutron by hand"] + common, in: dir.url)
        _ = try await tld.run(["review", "--reject", try await doseOf(cards["stray"]!), "--who", "Dr. P", "--why", "not ours"] + common, in: dir.url)
        let released = try await tld.run(["release"] + common, in: dir.url)
        #expect(released.status == 0)

        // The final list: the handed-over card on Kristensen's line, finger Hp(0.07) only.
        let final = try await tld.run(["results", "--customer", "K-1001", "--out", "out", "--period-end", "2026-10-31"] + common, in: dir.url)
        #expect(final.status == 0, "stderr: \(final.stderr)")
        let csv = try RepoPaths.text(dir.url.appendingPathComponent("out/results-K-1001-2026-10-31.csv"))
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0].hasPrefix("customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,sums_year,"))  // result list v2: sums after column 9
        #expect(lines.count == 6)  // 4 issues, the handed-over one on two lines
        #expect(!csv.contains(",pending,"))
        let jensen = try #require(lines.first { $0.hasPrefix("K-1001,\"Jensen, Mette\"") })
        #expect(jensen.contains(",,,handed over,"))
        let kristensen = try #require(lines.first { $0.hasPrefix("K-1001,\"Kristensen, Karen\"") })
        #expect(kristensen.contains(",released,") && kristensen.contains(cards["Jensen, Mette"]!))
        let hansen = try #require(lines.first { $0.hasPrefix("K-1001,\"Hansen, Kirsten\"") })
        #expect(hansen.contains("2026-10-31,,0.") || hansen.contains("2026-10-31,,<"), "finger: no Hp(10), an Hp(0.07)")
        #expect(lines.contains { $0.hasPrefix("K-1001,\"Nielsen, Peter\"") && $0.contains(",13.9000,") && $0.contains("reported to the health authority") })
        // The PDF says the same (pdftotext), and is marked FINAL now.
        let text = try await Poppler.run("pdftotext", ["-layout", "out/results-K-1001-2026-10-31.pdf", "-"], in: dir.url)
        #expect(text.contains("RESULT LIST") && text.contains("FINAL") && text.contains("Kristensen, Karen"))
        #expect(!text.contains("DRAFT"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM card WHERE state = 'released'") == ["4"])
    }

    @Test("a batch without calibration: every card listed with its reason; tld evaluate finishes it once a calibration exists")
    func evaluateLater() async throws {
        let dir = try TemporaryDirectory("tld-evaluate-later")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        _ = try Self.seed(db)
        let made = try await tld.run(["scenario", "--from-returns", "--out", "day.json", "--draw", "3"] + common, in: dir.url)
        #expect(made.status == 0, "stderr: \(made.stderr)")
        // The magazine without the calibration dosimeters, and no stored calibration of the reader.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.url.appendingPathComponent("day.json"))) as! [String: Any]
        json["cards"] = (json["cards"] as! [[String: Any]]).filter { $0["role"] as? String != "calibration" }
        try JSONSerialization.data(withJSONObject: json).write(to: dir.url.appendingPathComponent("day.json"))
        let read = try await tld.run(["readout", "--simulate", "--scenario", "day.json", "--new-shipment", "--speed-ms", "0", "--group-id", "R-NOCAL"] + common, in: dir.url)
        #expect(read.status == 0, "stderr: \(read.stderr)")
        #expect(read.stderr.components(separatedBy: "NOT EVALUATED: no calibration").count - 1 == 6, "4 returned cards and 2 controls")
        let evaluate = try await tld.run(["evaluate"] + common, in: dir.url)
        #expect(evaluate.status == 65)
        #expect(evaluate.stdout.contains("batch R-NOCAL: card") && evaluate.stdout.contains("not evaluated: no calibration"))
        let review = try await tld.run(["review", "--no-curves"] + common, in: dir.url)
        #expect(review.stdout.contains("6 card(s) without a dose"))

        // The reader's calibration is entered from a certificate with `tld calibration add`, one factor per element role.
        let store = try SQLiteLabStore.open(path: db, logger: Self.logger)
        let batch = try #require(try store.batches().last { $0.groupID == "R-NOCAL" })
        let validFrom = CalendarDay(utcDayOf: batch.createdAt.addingTimeInterval(-86_400)).description
        for role in ["shallow", "deep", "filteredLight", "filteredHeavy"] {
            let added = try await tld.run(["calibration", "add", "--reader", batch.readerSerial, "--role", role, "--counts-per-msv", "70000",
                                           "--valid-from", validFrom, "--source", "calibration certificate (test)"] + common, in: dir.url)
            #expect(added.status == 0, "stderr: \(added.stderr)")
        }
        let listed = try await tld.run(["calibration", "list", "--reader", batch.readerSerial] + common, in: dir.url)
        #expect(listed.stdout.contains("4 records; * = in force on"), "\(listed.stdout)")
        let again = try await tld.run(["evaluate", "--batch", "R-NOCAL"] + common, in: dir.url)
        #expect(again.status == 0, "stdout: \(again.stdout) stderr: \(again.stderr)")
        #expect(again.stdout.contains("Batch R-NOCAL: 6 card(s) with a dose, 0 without"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardNotEvaluated") == ["0"])
    }
}
