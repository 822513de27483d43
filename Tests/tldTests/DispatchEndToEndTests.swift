import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing

/// End to end with the real `tld`: a lab's records (entered through the store, as an import would),
/// then prices, dispatch, charges, inspection, anneal and zeroing as a user types them.
@Suite("tld dispatch, prices, charges, inspect, anneal, zero", .serialized)
struct DispatchEndToEndTests {
    static let key = Data(repeating: 0x5A, count: 32)
    static var environment: [String: String] { ["TLD_NATIONAL_ID_KEY": key.base64EncodedString()] }

    /// Customer K-1 with six whole-body wearers (names that test Danish order) and one finger wearer,
    /// ordered 2027-03-10 for April; 10 whole-body and 2 finger cards in stock.
    static func seed(_ path: String) throws {
        let logger = Logger(label: "seed", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteLabStore.open(path: path, logger: logger)
        let protector = try NationalIDProtector(masterKey: key)
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Nordklinik"))
        try store.addCards((1...10).map { Card(id: "1000\(1000 + $0)", dosimeterType: .wholeBody, stateChangedAt: Date()) }
                           + (1...2).map { Card(id: "2000\(1000 + $0)", dosimeterType: .finger, stateChangedAt: Date()) })
        let names = ["Zeuthen, Zack", "Aaberg, Åse", "Ærø, Else", "Øster, Ib", "Ålborg, Anne", "andersen, Bo"]
        for (i, name) in names.enumerated() {
            let w = try store.addWearer(customerID: "K-1", name: name, nationalID: try protector.protect("0101\(80 + i)-\(1000 + i)"))
            _ = try store.enrol(Enrolment(wearerID: try #require(w.id), customerID: "K-1", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                          startDate: try CalendarDay(parsing: "2027-04-01"), orderedOn: try CalendarDay(parsing: "2027-03-10")))
        }
        let f = try store.addWearer(customerID: "K-1", name: "Fingersen, Fie", nationalID: try protector.protect("020290-2000"))
        _ = try store.enrol(Enrolment(wearerID: try #require(f.id), customerID: "K-1", dosimeterType: .finger, periodLength: .oneMonth,
                                      startDate: try CalendarDay(parsing: "2027-04-01"), orderedOn: try CalendarDay(parsing: "2027-03-10")))
    }

    static func pdfText(_ path: String) async throws -> String {
        try await Poppler.text(URL(fileURLWithPath: path))
    }

    @Test("prices, dispatch with slips and labels in Danish order, idempotent rerun, the next period on its send day, charges that add up")
    func dispatchCycle() async throws {
        let dir = try TemporaryDirectory("tld-dispatch")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        try Self.seed(db)
        let common = ["--database", "lab.sqlite"]
        func run(_ args: [String]) async throws -> ProductRunner.Result {
            try await tld.run(args + common, in: dir.url, environment: Self.environment)
        }

        // No price yet: nothing is sent, a clear one-line reason, exit 65.
        let noPrice = try await run(["dispatch", "--on", "2027-03-10", "--out", "out"])
        #expect(noPrice.status == 65 && noPrice.stderr.contains("no card price") && !noPrice.stderr.contains("USAGE"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardIssue") == ["0"])

        for args in [["--type", "whole-body", "--from", "2027-01-01", "--card", "125,00", "--compensation", "450.00"],
                     ["--type", "finger", "--from", "2027-01-01", "--card", "99.50", "--compensation", "300"],
                     ["--type", "whole-body", "--from", "2027-04-15", "--card", "130.00"]] {
            let set = try await run(["prices", "set"] + args)
            #expect(set.status == 0, "stderr: \(set.stderr)")
        }
        let badAmount = try await run(["prices", "set", "--type", "finger", "--from", "2027-01-01", "--card", "-5"])
        #expect(badAmount.status == 64)
        let list = try await run(["prices", "list", "--format", "csv"])
        #expect(list.stdout.contains("whole-body,card,2027-01-01,125.00,DKK") && list.stdout.contains("finger,compensation,2027-01-01,300.00,DKK"))
        #expect(list.stdout.contains("whole-body,card,2027-04-15,130.00,DKK"))

        // The first cards: ordered 2027-03-10, sent at once.
        let first = try await run(["dispatch", "--on", "2027-03-10", "--out", "out"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("7 cards in 1 new shipment"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
        let base = "packing-slip-K-1-2027-03-10-S1"
        #expect(files == ["\(base).csv", "\(base).html", "\(base).pdf", "\(base).txt", "labels-K-1-2027-03-10-S1.pdf"].sorted())
        let csv = try RepoPaths.text(dir.url.appendingPathComponent("out/\(base).csv")).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(csv[0] == "customer,type,wearer,enrolment,card,period_start,period_end,price")
        // Danish order: a…z, then Æ, Ø, Å; "Aa" is Å (Aab… before Ålb…).
        let wearers = csv.dropFirst().filter { $0.contains(",whole-body,") }.map { $0.split(separator: "\"")[1] }
        #expect(wearers == ["andersen, Bo", "Zeuthen, Zack", "Ærø, Else", "Øster, Ib", "Aaberg, Åse", "Ålborg, Anne"])
        let sum = csv.dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(abs(sum - (6 * 125 + 99.5)) < 0.001)
        let text = try RepoPaths.text(dir.url.appendingPathComponent("out/\(base).txt"))
        #expect(text.contains("6 × 125.00 DKK = 750.00 DKK excl. VAT") && text.contains("Total: 7 cards, 849.50 DKK excl. VAT"))
        #expect(text.contains("Period ending 2027-04-30: reminder after 2027-05-30, compensation if not back by 2027-07-30"))
        let pdf = try await Self.pdfText(dir.path("out/\(base).pdf"))
        #expect(pdf.contains("Total: 7 cards, 849.50 DKK excl. VAT") && pdf.contains("Ærø, Else") && pdf.contains("TILM-00000003"))
        let labels = try await Self.pdfText(dir.path("out/labels-K-1-2027-03-10-S1.pdf"))
        #expect(labels.contains("Ålborg, Anne") && labels.contains("TILM-00000005") && labels.contains("Period 2027-04-01 – 2027-04-30"))
        #expect(labels.contains("Card 10001001"))

        // Run again the same day: nothing twice.
        let again = try await run(["dispatch", "--on", "2027-03-10", "--out", "out"])
        #expect(again.status == 0 && again.stdout.contains("0 cards in 0 new shipments (1 sent earlier today)"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardIssue") == ["7"])
        // May's cards go 5 working days before 1 May (a Saturday): Monday 26 April, at the price in force that day.
        let early = try await run(["dispatch", "--on", "2027-04-23", "--out", "out"])
        #expect(early.stdout.contains("0 cards in 0 new shipments"))
        #expect(early.stdout.contains("SHORTAGE"), "7 cards needed on the 26th, 4 whole-body in stock: \(early.stdout)")
        let may = try await run(["dispatch", "--on", "2027-04-26", "--out", "out"])
        #expect(may.status == 0 && may.stdout.contains("5 cards in 1 new shipment"), "stdout: \(may.stdout)")
        #expect(may.stdout.contains("NOT SENT") && may.stdout.contains("no whole-body card in stock"))

        // Charges on 2027-08-01: every April card is still out past 2027-07-30.
        let charges = try await run(["charges", "--on", "2027-08-01", "--format", "csv"])
        #expect(charges.status == 0, "stderr: \(charges.stderr)")
        let rows = charges.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst()
        #expect(rows.filter { $0.contains(",card sent,") }.count == 12)
        let notReturned = rows.filter { $0.contains(",compensation: not returned,") }
        #expect(notReturned.count == 7 && notReturned.allSatisfy { $0.hasPrefix("K-1,2027-07-31,") && $0.contains(",2027-07-30,") })
        #expect(notReturned.filter { $0.contains(",450.00,DKK,") }.count == 6 && notReturned.filter { $0.contains(",300.00,DKK,") }.count == 1)
        let table = try await run(["charges", "--on", "2027-08-01", "--customer", "K-1"])
        // 6 × 125 + 99.50 + 4 × 130 + 99.50 sent; 6 × 450 + 300 compensation.
        #expect(table.stdout.contains("Total: 19 rows, 4469.00 DKK excl. VAT"), "stdout: \(table.stdout)")
        #expect(table.stdout.contains("Totals per customer and month"))
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("K-1") && $0.contains("2027-07") && $0.hasSuffix("3000.00") })
        let json = try await run(["charges", "--on", "2027-08-01", "--format", "json", "--from", "2027-07-01", "--to", "2027-07-31"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((decoded?["totalMinorUnits"] as? Int) == 300_000)
        let noCustomer = try await run(["charges", "--customer", "K-9"])
        #expect(noCustomer.status == 65 && noCustomer.stderr.contains("K-9"))
    }

    @Test("inspect, anneal and zero refuse cards in the wrong state, clearly; a missing database is refused")
    func refusals() async throws {
        let dir = try TemporaryDirectory("tld-refuse")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let missing = try await tld.run(["dispatch", "--database", "nowhere.sqlite", "--out", "o"], in: dir.url, environment: Self.environment)
        #expect(missing.status == 66 && missing.stderr.contains("no lab database at nowhere.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("nowhere.sqlite")))

        try Self.seed(dir.path("lab.sqlite"))
        let common = ["--database", "lab.sqlite"]
        _ = try await tld.run(["prices", "set", "--type", "whole-body", "--from", "2027-01-01", "--card", "125"] + common, in: dir.url)
        _ = try await tld.run(["prices", "set", "--type", "finger", "--from", "2027-01-01", "--card", "99.5"] + common, in: dir.url)
        let sent = try await tld.run(["dispatch", "--on", "2027-03-10", "--out", "out"] + common, in: dir.url, environment: Self.environment)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let card = "10001001"  // issued to a wearer now
        let inspect = try await tld.run(["inspect", card, "--stage", "arrival", "--outcome", "fit", "--who", "T"] + common, in: dir.url)
        #expect(inspect.status == 65 && inspect.stderr.contains("it is issued") && inspect.stderr.contains("tld intake"))
        let qa = try await tld.run(["inspect", card, "--stage", "arrival", "--outcome", "manual-qa", "--who", "T"] + common, in: dir.url)
        #expect(qa.status == 64 && qa.stderr.contains("--remark"))
        let badDamage = try await tld.run(["inspect", card, "--stage", "arrival", "--outcome", "retire", "--damage", "cracked:9", "--who", "T"] + common, in: dir.url)
        #expect(badDamage.status == 64)
        let anneal = try await tld.run(["anneal", card, "--simulate"] + common, in: dir.url)
        #expect(anneal.status == 65 && anneal.stderr.contains("its dose is not released (state issued)") && anneal.stderr.contains("nothing was annealed"))
        let zero = try await tld.run(["zero", card] + common, in: dir.url)
        #expect(zero.status == 65 && zero.stderr.contains("its dose is not released (state issued)") && zero.stderr.contains("nothing was zeroed"))
        let states = try await LabDatabaseQuery.lines(dir.path("lab.sqlite"), "SELECT state FROM card WHERE id = '\(card)'")
        #expect(states == ["issued"])
        // A stock card fit before reissue? It is available, not zeroed: refused.
        let stock = try await tld.run(["inspect", "10001010", "--stage", "reissue", "--outcome", "fit", "--who", "T"] + common, in: dir.url)
        #expect(stock.status == 65 && stock.stderr.contains("it is available"))
    }
}

/// Anneal, background check on the simulated reader, re-anneal, zeroing and the inspection that
/// returns cards to stock, with the real `tld`.
@Suite("tld anneal, zero, inspect --stage reissue", .serialized)
struct AnnealEndToEndTests {
    /// Two cards whose doses are released: issued, taken in, inspected, read (synthetic curves) and
    /// released through the store, as the readout and review commands leave them.
    static func seedReleased(_ path: String) throws -> [String] {
        let logger = Logger(label: "seed", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteLabStore.open(path: path, logger: logger)
        let protector = try NationalIDProtector(masterKey: DispatchEndToEndTests.key)
        _ = try store.saveCustomer(Customer(id: "K-2", name: "Sydklinik"))
        let cards = ["10002004", "10002012"]  // with their Luhn check digit, as the reader requires
        try store.addCards(cards.map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
        let start = try CalendarDay(parsing: "2027-01-01"), end = try CalendarDay(parsing: "2027-01-31")
        var requests: [IssueRequest] = []
        for (i, card) in cards.enumerated() {
            let w = try store.addWearer(customerID: "K-2", name: "Wearer \(i)", nationalID: try protector.protect("03038\(i)-300\(i)"))
            let e = try store.enrol(Enrolment(wearerID: try #require(w.id), customerID: "K-2", dosimeterType: .wholeBody,
                                              periodLength: .oneMonth, startDate: start, orderedOn: try CalendarDay(parsing: "2026-12-10")))
            requests.append(IssueRequest(cardID: card, enrolmentID: try #require(e.id), periodStart: start, periodEnd: end))
        }
        _ = try store.issueCards(requests, customerID: "K-2", dispatchedOn: try CalendarDay(parsing: "2026-12-20"))
        let ret = try store.openReturn(customerID: "K-2", arrivedOn: try CalendarDay(parsing: "2027-02-03"))
        for issue in try store.issues(customerID: "K-2") {
            _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(ret.id), handedOverToName: nil,
                                             scannedCode: issue.cardID, message: "ok")
            _ = try store.saveInspection(CardInspection(cardID: issue.cardID, issueID: nil, stage: .arrival, outcome: .fit, damages: [],
                                                        inspectedBy: "T", inspectedAt: Date()))
        }
        let profile = TimeTemperatureProfile(preheatDeciCelsius: 1000, preheatMilliseconds: 10_000, rampDeciCelsiusPerSecond: 100,
                                             maximumDeciCelsius: 3000, acquisitionMilliseconds: 20_000, channels: 50,
                                             annealDeciCelsius: 3000, annealMilliseconds: 10_000)
        let batch = try #require(try store.openBatch(groupID: "R-1", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"),
                                                     elementsPerCard: 4, timeTemperatureProfile: profile, source: "test").id)
        let counts: [UInt32] = (0..<50).map { UInt32(100 + $0 * 3) }
        let temps: [Int16] = (0..<50).map { Int16(500 + $0 * 50) }
        for card in cards {
            for e in 1...4 {
                _ = try store.saveElementReading(ElementReading(batchID: batch, cardID: card, element: e, readAt: Date(), outcome: .stored(ElementCurve(
                    counts: counts, temperaturesDeciCelsius: temps, channelMicroseconds: 100_000, pmtDarkCountsPerSecond: 10,
                    heaterMaxDeciCelsius: 3000, readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temps)))))
            }
            let dose = try store.saveDose(DoseEvaluation(batchID: batch, cardID: card, hp10MilliSievert: 0.3, hp007MilliSievert: 0.3,
                                                         algorithmID: "test", calibrationID: nil, evaluatedAt: Date()))
            _ = try store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: "Dr. P", why: "fine"), action: .stateChanged)
        }
        _ = try store.finishBatch(id: batch)
        try store.markCardsRead(batch: batch)
        try store.markReleasedCards()
        return cards
    }

    @Test("anneal with a background check; the card above background is annealed again; zero; inspect returns them to stock")
    func annealZeroReissue() async throws {
        let dir = try TemporaryDirectory("tld-anneal")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let cards = try Self.seedReleased(db)
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM card ORDER BY id") == ["released", "released"])
        let common = ["--database", "lab.sqlite"]

        // Zeroing before the anneal is refused, and says why.
        let early = try await tld.run(["zero", "--all-annealed"] + common, in: dir.url)
        #expect(early.status == 0 && early.stdout.contains("No annealed card"))
        let notYet = try await tld.run(["zero", cards[0]] + common, in: dir.url)
        #expect(notYet.status == 65 && notYet.stderr.contains("not annealed yet"))

        let first = try await tld.run(["anneal", "--all-released", "--method", "oven", "--profile", "400 °C 1 h + 100 °C 2 h",
                                       "--simulate", "--residual", "\(cards[1])=0.5", "--work", "w"] + common, in: dir.url)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("card \(cards[0]): reads") && first.stdout.contains("at background → annealed"))
        #expect(first.stdout.contains("card \(cards[1]): reads") && first.stdout.contains("ABOVE the background level 0.1 mSv"))
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM card ORDER BY id") == ["annealed", "released"])
        let again = try await tld.run(["anneal", cards[1], "--method", "oven", "--profile", "400 °C 1 h", "--simulate", "--work", "w"] + common, in: dir.url)
        #expect(again.status == 0 && again.stdout.contains("at background → annealed"), "stderr: \(again.stderr)")
        let runs = try await LabDatabaseQuery.lines(db, "SELECT method || ' ' || (SELECT count(*) FROM annealCheck c WHERE c.annealID = a.id) FROM annealRecord a ORDER BY id")
        #expect(runs == ["oven 2", "oven 1"])

        let zero = try await tld.run(["zero", "--all-annealed"] + common, in: dir.url)
        #expect(zero.status == 0 && zero.stdout.contains("Zeroed 2 cards"), "stderr: \(zero.stderr)")
        let inspect = try await tld.run(["inspect"] + cards + ["--stage", "reissue", "--outcome", "fit", "--who", "A. Technician"] + common, in: dir.url)
        #expect(inspect.status == 0 && inspect.stdout.contains("→ available"), "stderr: \(inspect.stderr)")
        #expect(try await LabDatabaseQuery.lines(db, "SELECT state FROM card ORDER BY id") == ["available", "available"])
        let zeroedAt = try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardElement WHERE zeroedAt IS NOT NULL")
        #expect(zeroedAt == ["8"])
    }
}
