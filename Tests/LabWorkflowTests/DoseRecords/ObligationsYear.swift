import Foundation
import LabStore
import LabStoreSQLite
@testable import LabWorkflow

/// Issue 13's test year, built with library calls (the lab's own cycle, fast): 200 persons at 3
/// customers, 2027, whole-body cards on monthly periods (two persons in five on 3-month periods).
/// Each month's cards come back 5 days after the period, are read and evaluated, and are released
/// 10 days after the period through ``DoseReview`` — the code `tld release` and `tld review --accept`
/// run, with its clock set to that day — so the level checks and notifications happen as in the lab.
///
/// The persons the issue names:
/// - ``dual`` works for K-1 and K-2 (0.05 mSv a month at each: 1.2 mSv a year together, 0.6 at each);
/// - ``high`` gets 12 mSv in May (above 10 mSv in one period);
/// - ``crosser`` gets 2 mSv every month (15 mSv crossed with August's dose, in the third quarter);
/// - ``lost``'s March card never comes back; a physicist assigns a notional 0.3 mSv on 2027-05-10;
/// - ``handedOver``'s June card is handed over to ``successor`` (a new wearer, enrolled from July);
/// - ``damaged``'s April card arrives with a cracked pellet (read with manual QA; its dose counts).
///
/// The test keeps its own model of every period's counted dose (``model``), never asking the code
/// under test for an expected value.
struct ObligationsYear {
    static let customers = ["K-1", "K-2", "K-3"]
    static let persons = 200
    static let dual = 0, high = 1, crosser = 2, lost = 3, handedOver = 5, damaged = 6, successor = 198
    static let detectionLimit = 0.03
    static let year = 2027

    let store: SQLiteLabStore
    let protector: NationalIDProtector
    /// Every period the test expects on a person's record (the handed-over one on the successor's).
    var model: [Period] = []
    /// Look-up hash of each person.
    var lookups: [Int: Data] = [:]

    struct Period: Hashable {
        var person: Int
        var customer: String
        var start: CalendarDay
        var end: CalendarDay
        /// The Hp(10) evaluated (or assigned), and as it counts in the sums (0 below the detection limit).
        var hp10: Double
        var counted: Double
        var status: RegistryFile.Status
        /// The day the dose was released (or assigned): when the level checks see it.
        var seenOn: CalendarDay
    }

    static func cpr(_ i: Int) -> String { String(format: "%02d%02d%02d-%04d", 1 + i % 28, 1 + i % 12, 60 + i % 35, 1000 + i) }
    static func name(_ i: Int) -> String { "Person \(i), Test" }
    static func customers(of i: Int) -> [String] { i == dual ? ["K-1", "K-2"] : [customers[i % 3]] }
    static func quarterly(_ i: Int) -> Bool { i % 5 >= 3 && ![dual, high, crosser, lost, handedOver, successor].contains(i) }
    static func month(_ m: Int) -> CalendarDay { (try? CalendarDay(year: year, month: m, day: 1)) ?? CalendarDay(daysSinceEpoch: 0) }
    static func noon(_ d: CalendarDay) -> Date { Date(timeIntervalSince1970: Double(d.daysSinceEpoch) * 86_400 + 43_200) }
    static func releaseDay(periodEnd: CalendarDay) -> CalendarDay { periodEnd.adding(days: 10) }
    static let assignedOn = day("2027-05-10")

    /// Hp(10) of person `i`'s card ending in month `m`, mSv.
    static func dose(_ i: Int, month m: Int) -> Double {
        switch i {
        case dual: return 0.05
        case high: return m == 5 ? 12.0 : 0.05
        case crosser: return 2.0
        case lost: return 0.04
        default:
            if i % 7 == 0 { return 0.02 }                                  // below the detection limit
            let monthly = 0.04 + Double((i * 7 + m * 3) % 5) * 0.01        // 0.04–0.08: no level crossed
            return quarterly(i) ? monthly * 3 : monthly
        }
    }

    init() throws {
        store = try SQLiteLabStore.inMemory(logger: WorkflowFixture.logger)
        protector = try NationalIDProtector(masterKey: Data(repeating: 0x13, count: 32))
        for c in Self.customers { _ = try store.saveCustomer(Customer(id: c, name: "Klinik \(c)", companyID: "1000\(c.suffix(1))")) }
        var cardNumber = 0
        var stock: [String] = []
        func card() -> String {
            if stock.isEmpty {
                stock = (0..<500).map { "Y\(String(format: "%06d", cardNumber + $0))" }
                cardNumber += 500
                try? store.addCards(stock.map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
            }
            return stock.removeFirst()
        }
        // Enrolments from 1 January (the successor comes with the handover).
        var enrolments: [(person: Int, enrolment: Enrolment)] = []
        for i in 0..<Self.persons where i != Self.successor {
            lookups[i] = try protector.lookup(Self.cpr(i))
            for c in Self.customers(of: i) {
                let w = try store.addWearer(customerID: c, name: Self.name(i), nationalID: try protector.protect(Self.cpr(i)))
                let e = try store.enrol(Enrolment(
                    wearerID: try require(w.id), customerID: c, dosimeterType: .wholeBody,
                    periodLength: Self.quarterly(i) ? .threeMonths : .oneMonth, startDate: Self.month(1),
                    endDate: i == Self.handedOver ? day("2027-06-30") : nil, orderedOn: day("2026-12-01")))
                enrolments.append((i, e))
            }
        }
        lookups[Self.successor] = try protector.lookup(Self.cpr(Self.successor))
        // Which card each person wears in each period: issue → (person, customer, period).
        var issued: [String: (person: Int, customer: String, start: CalendarDay, end: CalendarDay, enrolment: Enrolment)] = [:]
        for m in 1...12 {
            let start = Self.month(m)
            // Ship the periods starting this month.
            var requests: [String: [IssueRequest]] = [:]
            for (i, e) in enrolments {
                let months = e.periodLength == .threeMonths ? 3 : 1
                guard (m - 1) % months == 0, e.startDate <= start, e.endDate.map({ start <= $0 }) ?? true else { continue }
                let end = start.adding(months: months).adding(days: -1)
                let id = card()
                requests[e.customerID, default: []].append(IssueRequest(cardID: id, enrolmentID: try require(e.id), periodStart: start, periodEnd: end))
                issued[id] = (i, e.customerID, start, end, e)
            }
            for (c, r) in requests.sorted(by: { $0.key < $1.key }) { _ = try store.issueCards(r, customerID: c, dispatchedOn: start.adding(days: -7)) }

            // Take in, read and release the periods ending this month.
            let end = start.lastDayOfMonth
            let arrived = end.adding(days: 5), released = Self.releaseDay(periodEnd: end)
            let due = issued.filter { $0.value.end == end }.sorted { $0.key < $1.key }
            var read: [(card: String, hp10: Double)] = []
            for c in Self.customers {
                let ret = try require(try store.openReturn(customerID: c, arrivedOn: arrived).id)
                for (id, p) in due where p.customer == c {
                    if p.person == Self.lost && m == 3 { continue }              // never comes back
                    let issue = try require(try store.currentIssue(cardID: id)?.id)
                    if p.person == Self.handedOver && m == 6 {
                        let (_, successor) = try store.acceptReturnedCard(
                            issueID: issue, returnID: ret, handover: HandoverEnrolment(
                                name: Self.name(Self.successor), nationalID: try protector.protect(Self.cpr(Self.successor)),
                                startDate: Self.month(7), orderedOn: arrived),
                            scannedCode: id, outcome: "accepted", message: "handed over")
                        enrolments.append((Self.successor, successor))
                    } else {
                        _ = try store.acceptReturnedCard(issueID: issue, returnID: ret, handedOverToName: nil, scannedCode: id, message: "accepted")
                    }
                    let cracked = p.person == Self.damaged && m == 4
                    _ = try store.saveInspection(CardInspection(cardID: id, issueID: issue, stage: .arrival, outcome: cracked ? .manualQA : .fit,
                                                                damages: cracked ? [Damage(.crackedPellet)] : [], remark: cracked ? "pellet cracked" : "",
                                                                inspectedBy: "tech", inspectedAt: Self.noon(arrived)))
                    let wearer = p.person == Self.handedOver && m == 6 ? Self.successor : p.person
                    let hp10 = Self.dose(wearer, month: m)
                    read.append((id, hp10))
                    let counted = hp10 < Self.detectionLimit ? 0 : hp10
                    model.append(Period(person: wearer, customer: p.customer, start: p.start, end: p.end, hp10: hp10, counted: counted,
                                        status: counted == 0 ? .belowDetectionLimit : .measured, seenOn: released))
                }
                _ = try store.closeReturn(id: ret)
            }
            let batch = try require(try store.openBatch(
                groupID: "Y-\(m)", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 1,
                timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test year").id)
            for (id, hp10) in read {
                _ = try store.saveElementReading(ElementReading(batchID: batch, cardID: id, element: 1, readAt: Self.noon(arrived), outcome: .stored(Self.curve)))
                _ = try store.saveDose(DoseEvaluation(batchID: batch, cardID: id, hp10MilliSievert: hp10, hp007MilliSievert: hp10 + 0.01,
                                                      detectionLimitMilliSievert: Self.detectionLimit, algorithmID: "test",
                                                      calibrationID: nil, evaluatedAt: Self.noon(arrived)))
            }
            _ = try store.finishBatch(id: batch)
            _ = try store.markCardsRead(batch: batch)
            // Release day: `tld release` (the review policy sends doses above 1 mSv to review), then the
            // physicist accepts those (`tld review --accept`), all with the lab's clock on that day.
            let review = DoseReview(store: store, reviewLevelMilliSievert: 1.0, logger: WorkflowFixture.logger, now: { Self.noon(released) })
            try review.applyPolicy(batch: batch)
            try review.releaseUnflagged(batch: batch, who: "Dr. P")
            for dose in try store.currentDoses(batch: batch) where dose.state == .needsReview {
                _ = try review.accept(doseID: try require(dose.id), who: "Dr. P", why: "confirmed with the customer")
            }
            _ = try store.markReleasedCards()

            // The lost March card: a notional dose on 10 May (tld assign --notional-mSv).
            if m == 4 {
                let (id, p) = try require(issued.first { $0.value.person == Self.lost && $0.value.end == Self.month(3).lastDayOfMonth })
                _ = try DoseAssignment(store: store).notional(
                    issueID: try require(try store.currentIssue(cardID: id)?.id), hp10MilliSievert: 0.3, hp007MilliSievert: 0.3,
                    who: "Dr. P", why: "card lost in the laundry", reason: .lost, today: Self.assignedOn)
                model.append(Period(person: Self.lost, customer: p.customer, start: p.start, end: p.end, hp10: 0.3, counted: 0.3,
                                    status: .assigned, seenOn: Self.assignedOn))
            }
        }
    }

    /// One stored curve for every card (its dose is what the test gives it).
    static let curve: ElementCurve = {
        let counts: [UInt32] = (0..<50).map { UInt32(100 + $0 * 3) }
        let temps: [Int16] = (0..<50).map { Int16(500 + $0 * 50) }
        return ElementCurve(counts: counts, temperaturesDeciCelsius: temps, channelMicroseconds: 100_000, pmtDarkCountsPerSecond: 10,
                            heaterMaxDeciCelsius: 3000, readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temps))
    }()

    func require<T>(_ value: T?) throws -> T {
        guard let value else { throw LabStoreError.unexpected(operation: "test year", message: "missing value") }
        return value
    }

    // MARK: What the model expects

    struct ExpectedCase: Hashable, CustomStringConvertible {
        var person: Int
        var kind: CaseKind
        var periodKey: String
        var openedOn: CalendarDay
        var description: String { "person \(person) \(kind.rawValue) \(periodKey) on \(openedOn)" }
    }

    /// The cases the default levels (investigation 0.5 / intervention 3 mSv per 3 months; 1 / 6 mSv
    /// and a 1 mSv constraint per year; 10 mSv in a period and 15 mSv in a year notifiable) open: each
    /// released dose is checked with the sums of the periods ending from the start of its quarter
    /// (year) through its own end, of every dose seen by the end of its release day.
    func expectedCases() -> Set<ExpectedCase> {
        let levels: [(CaseKind, Double)] = [(.investigationQuarter, 0.5), (.interventionQuarter, 3), (.investigationYear, 1),
                                            (.interventionYear, 6), (.doseConstraintYear, 1), (.notifiablePeriod, 10), (.notifiableYear, 15)]
        var opened: [String: ExpectedCase] = [:]
        let byPerson = Dictionary(grouping: model, by: \.person)
        for p in model.filter({ $0.status != .assigned }).sorted(by: { $0.seenOn < $1.seenOn }) {
            let seen = (byPerson[p.person] ?? []).filter { $0.seenOn <= p.seenOn }
            let quarterStart = Self.month(((p.end.month - 1) / 3) * 3 + 1)
            let quarter = seen.filter { $0.end >= quarterStart && $0.end <= p.end }.reduce(0) { $0 + $1.counted }
            let year = seen.filter { $0.end.year == p.end.year && $0.end <= p.end }.reduce(0) { $0 + $1.counted }
            for (kind, level) in levels {
                let (value, key): (Double, String) = switch kind.span {
                case .period: (p.hp10, "\(p.start)..\(p.end)")
                case .quarter: (quarter, "\(p.end.year)-Q\((p.end.month - 1) / 3 + 1)")
                case .year: (year, "\(p.end.year)")
                }
                let id = "\(p.person) \(kind.rawValue) \(key)"
                if value > level + 1e-9, opened[id] == nil { opened[id] = ExpectedCase(person: p.person, kind: kind, periodKey: key, openedOn: p.seenOn) }
            }
        }
        return Set(opened.values)
    }
}
