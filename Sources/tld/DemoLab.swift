import Foundation
import LabStore
import LabWorkflow
import TLSimulator

/// The demo's lab: two customers, their wearers (made-up CPR-shaped numbers), enrolments, cards and the
/// first shipment; and the envelope that comes back (a missing card, a damaged card, a foreign card).
/// Every step is idempotent, so a demo killed half-way can simply run again.
enum DemoLab {
    static let customer = "K-1001"
    static let otherCustomer = "K-2002"
    static let firstDispatch = day("2026-07-08")
    static let arrival = day("2026-11-03")
    static let reissueDay = day("2026-11-05")
    static let readoutGroup = "R-DEMO"
    static let readerSerial = "TL00042"

    struct Wearer {
        var name: String
        /// Made up: the shape of a Danish CPR number, no real person.
        var nationalID: String
        var types: [DosimeterType]
        var customer: String = DemoLab.customer
    }

    static let wearers: [Wearer] = [
        Wearer(name: "Jensen, Mette", nationalID: "010180-1111", types: [.wholeBody]),
        Wearer(name: "Andersen, Anna", nationalID: "020285-2222", types: [.wholeBody]),
        Wearer(name: "Østergaard, Lars", nationalID: "030375-3333", types: [.wholeBody]),
        Wearer(name: "Berg, Bo", nationalID: "040490-4444", types: [.wholeBody]),
        Wearer(name: "Nielsen, Peter", nationalID: "050565-5555", types: [.wholeBody, .finger]),
        Wearer(name: "Hansen, Kirsten", nationalID: "060670-6666", types: [.finger]),
        Wearer(name: "Petersen, Ole", nationalID: "070777-7777", types: [.wholeBody], customer: DemoLab.otherCustomer),
    ]

    static func day(_ text: String) -> CalendarDay {
        (try? CalendarDay(parsing: text)) ?? CalendarDay(daysSinceEpoch: 0)
    }

    /// An 8-digit card number with its Luhn check digit: prefix digit, 6-digit serial, check digit.
    static func cardID(prefix: Int, _ serial: Int) -> String {
        let s = String(serial)
        let body = "\(prefix)" + String(repeating: "0", count: max(0, 6 - s.count)) + s
        return body + String(CardID.luhnCheckDigit(body))
    }

    static func period(_ type: DosimeterType) -> (PeriodLength, CalendarDay, CalendarDay) {
        type == .finger ? (.oneMonth, day("2026-10-01"), day("2026-10-31")) : (.threeMonths, day("2026-07-15"), day("2026-10-14"))
    }

    /// Customers, prices, stock cards, wearers, enrolments and the first shipment.
    static func seed(_ store: SQLiteLabStore, protector: NationalIDProtector) throws {
        _ = try store.saveCustomer(Customer(id: customer, name: "Nordklinik Radiologi", deliveryAddress: "Strandvejen 1, 2900 Hellerup",
                                            contactEmail: "straalebeskyttelse@nordklinik.example"))
        _ = try store.saveCustomer(Customer(id: otherCustomer, name: "Sydhospital Nuklearmedicin"))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: day("2026-01-01"), priceMinorUnits: 12_500))
        try store.savePrice(CardPrice(dosimeterType: .finger, validFrom: day("2026-01-01"), priceMinorUnits: 9_950))
        // Whole-body cards 1xxxxxxx, finger cards 2xxxxxxx; serials 1–20 stock for the demo.
        try store.addCards((1...20).map { Card(id: cardID(prefix: 1, $0), dosimeterType: .wholeBody, stateChangedAt: Date()) }
                           + (1...10).map { Card(id: cardID(prefix: 2, $0), dosimeterType: .finger, stateChangedAt: Date()) })
        for w in wearers {
            let wearer = try store.addWearer(customerID: w.customer, name: w.name, nationalID: try protector.protect(w.nationalID))
            guard let wearerID = wearer.id else { continue }
            let existing = try store.enrolments(customerID: w.customer).filter { $0.wearerID == wearerID }
            for type in w.types where !existing.contains(where: { $0.dosimeterType == type }) {
                let (length, start, _) = period(type)
                _ = try store.enrol(Enrolment(wearerID: wearerID, customerID: w.customer, dosimeterType: type,
                                              periodLength: length, startDate: start, orderedOn: day("2026-06-20")))
            }
        }
        for c in [customer, otherCustomer] where try store.issues(customerID: c).isEmpty {
            var stock = [DosimeterType.wholeBody: (1...20).map { cardID(prefix: 1, $0) }, .finger: (1...10).map { cardID(prefix: 2, $0) }]
            // K-2002 takes its card from the end of the stock.
            if c == otherCustomer { stock[.wholeBody] = [cardID(prefix: 1, 20)] }
            var requests: [IssueRequest] = []
            for e in try store.enrolments(customerID: c) {
                guard let id = e.id, var cards = stock[e.dosimeterType], !cards.isEmpty else { continue }
                let (_, start, end) = period(e.dosimeterType)
                requests.append(IssueRequest(cardID: cards.removeFirst(), enrolmentID: id, periodStart: start, periodEnd: end))
                stock[e.dosimeterType] = cards
            }
            _ = try store.issueCards(requests, customerID: c, dispatchedOn: firstDispatch)
        }
    }

    /// The envelope: every K-1001 card but Berg's (missing), the foreign K-2002 card, a stranger, a
    /// second scan; Jensen's card was worn by someone else, who is enrolled from the next period on.
    static func scans(_ store: SQLiteLabStore) throws -> (scans: [String], handover: (card: String, name: String, nationalID: String)?) {
        var own: [(String, String)] = []  // (wearer, card)
        for issue in try store.issues(customerID: customer) where issue.periodEnd <= day("2026-10-31") {
            guard let e = try store.enrolment(id: issue.enrolmentID), let w = try store.wearer(id: e.wearerID) else { continue }
            own.append((w.name, issue.cardID))
        }
        let foreign = try store.issues(customerID: otherCustomer).first?.cardID ?? ""
        let returned = own.filter { $0.0 != "Berg, Bo" }.map(\.1)
        // Made-up CPR-shaped number of the person who wore Jensen's card: the lab enrols her.
        let handover = own.first { $0.0 == "Jensen, Mette" }.map { (card: $0.1, name: "Kristensen, Karen", nationalID: "080888-8888") }
        var scans = returned
        scans.insert(foreign, at: min(2, scans.count))
        scans.insert("00000000", at: min(4, scans.count))
        if let first = returned.first { scans.append(first) }
        return (scans, handover)
    }

    /// The card that arrives damaged: Anna Andersen's, pellet 3 cracked.
    static func damagedCard(_ store: SQLiteLabStore) throws -> String? {
        for issue in try store.issues(customerID: customer) {
            guard let e = try store.enrolment(id: issue.enrolmentID), let w = try store.wearer(id: e.wearerID) else { continue }
            if w.name == "Andersen, Anna" { return issue.cardID }
        }
        return nil
    }

    /// The magazine of the wear readout: the lab's calibration and control dosimeters and the returned
    /// cards, with true doses known only to the simulator.
    static func readoutScenario(cards: [String]) -> Scenario {
        let trueHp10: [Double] = [0.35, 1.8, 0.12, 0.9, 2.6, 0.06, 0.48, 0.2]
        var list: [ScenarioCard] = ["90000019", "90000027", "90000035"].map {
            ScenarioCard(id: $0, role: .calibration, hp10MilliSievert: 2, hp007MilliSievert: 2, quality: "S-Cs", daysSinceAnneal: 16)
        }
        list += ["80000011", "80000029"].map {
            ScenarioCard(id: $0, role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0, quality: "S-Cs", daysSinceAnneal: 120)
        }
        for (i, id) in cards.enumerated() {
            let h = trueHp10[i % trueHp10.count]
            list.append(ScenarioCard(id: id, role: .worker, hp10MilliSievert: h, hp007MilliSievert: h * 1.05,
                                     quality: "S-Cs", daysSinceAnneal: id.hasPrefix("2") ? 40 : 120))
        }
        return Scenario(seed: 20_261_103, reader: ReaderDescription(model: "TLR-6600S", serial: readerSerial, firmware: "1.4.2"),
                        elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: list)
    }

    /// The magazine of an anneal background check: annealed cards read again at once. In round 1 the
    /// first card kept a residual signal (its anneal was incomplete) and must be annealed again.
    static func annealCheckScenario(cards: [String], round: Int) -> Scenario {
        let list = cards.enumerated().map { i, id in
            let residual = round == 1 && i == 0 ? 0.5 : 0
            return ScenarioCard(id: id, role: .worker, hp10MilliSievert: residual, hp007MilliSievert: residual,
                                quality: "S-Cs", daysSinceAnneal: 0.02)
        }
        return Scenario(seed: UInt64(20_261_104 + round), reader: ReaderDescription(model: "TLR-6600S", serial: readerSerial, firmware: "1.4.2"),
                        elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: list)
    }
}
