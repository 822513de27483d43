import LabStore
import Logging

/// A day's dispatch (DOMAIN.md §2–3): for every active enrolment the card of its next period, taken
/// from stock (only `available` cards: zeroed and inspected), sent on the period's send day; a new
/// enrolment's first card at once. One shipment per customer, each written whole with its issues and
/// charges (several customers' in one transaction, ``DayDispatchStore``), so a run killed half-way
/// loses nothing and a second run on the same day sends nothing twice (an enrolment's period that has
/// a card is never planned again).
public struct DispatchRun: Sendable {
    let store: any DispatchStore
    let policy: DispatchPolicy
    let logger: Logger

    public init(store: any DispatchStore, policy: DispatchPolicy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
    }

    /// A card sent today.
    public struct SentCard: Sendable, Hashable {
        public var customerID: String
        public var enrolmentNumber: String
        public var cardID: String
        public var dosimeterType: DosimeterType
        public var period: WearPeriod
        public var reason: DispatchPlanner.Reason
        public var late: Bool
        public var free: Bool
    }

    /// A new enrolment still without a card after the run, or whose first card went out after its deadline.
    public struct AtRisk: Sendable, Hashable {
        public var customerID: String
        public var enrolmentNumber: String
        public var orderedOn: CalendarDay
        /// 5 working days after the order (DOMAIN.md §2).
        public var deadline: CalendarDay
        /// Working days from the run's day to the deadline (negative: past it).
        public var workingDaysLeft: Int
        public var reason: String
    }

    /// A card that could not be sent today for want of stock.
    public struct Unsent: Sendable, Hashable {
        public var customerID: String
        public var enrolmentNumber: String
        public var dosimeterType: DosimeterType
        public var period: WearPeriod
    }

    /// A period that ended without a card (never sent now: it is over).
    public struct Missed: Sendable, Hashable {
        public var customerID: String
        public var enrolmentNumber: String
        public var period: WearPeriod
    }

    /// Stock against the cards needed in the forecast window, per type.
    public struct StockForecast: Sendable, Hashable {
        public var dosimeterType: DosimeterType
        /// `available` cards left after today's dispatch.
        public var available: Int
        /// Cards in the lab's cycle (returned … zeroed) that may be ready in time.
        public var inCycle: Int
        /// Cards needed from tomorrow to the horizon (and those not sent today).
        public var needed: Int
        /// The first send day on which the stock runs out, when it does.
        public var firstShortDay: CalendarDay?
        public var shortBy: Int { max(0, needed - available) }
    }

    public struct Report: Sendable, Hashable {
        public var day: CalendarDay
        public var horizon: CalendarDay
        /// Shipments made by this run.
        public var shipments: [Shipment] = []
        public var sent: [SentCard] = []
        public var unsent: [Unsent] = []
        public var atRisk: [AtRisk] = []
        public var missed: [Missed] = []
        public var forecast: [StockForecast] = []
    }

    public func run(on day: CalendarDay) throws -> Report {
        let horizon = day.adding(days: policy.forecastDays)
        var report = Report(day: day, horizon: horizon)
        let enrolments = try store.enrolments(activeOn: day)
        let latest = try store.latestIssueByEnrolment()
        let stock = Dictionary(grouping: try store.cards(state: .available), by: \.dosimeterType).mapValues { $0.map(\.id) }
        /// The next card of each type to hand out (the stock lists stay untouched: no copy per card).
        var nextCard: [DosimeterType: Int] = [:]

        // 1. Plan every enrolment, pure.
        var planned: [(Enrolment, DispatchPlanner.Planned)] = []
        for e in enrolments {
            let outcome = DispatchPlanner.plan(enrolment: e, issued: e.id.flatMap { latest[$0] }.map { [$0] } ?? [], on: day, policy: policy)
            planned += outcome.send.map { (e, $0) }
            report.missed += outcome.missed.map { Missed(customerID: e.customerID, enrolmentNumber: e.number, period: $0) }
        }
        // 2. A price for every type to send, before anything is written.
        var prices: [DosimeterType: CardPrice] = [:]
        for type in Set(planned.map(\.0.dosimeterType)).sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let price = try store.price(of: type, on: day) else { throw DispatchError.noPrice(type: type, day: day) }
            prices[type] = price
        }
        // 3. Cards from stock, lowest number first, to the periods that start first.
        planned.sort { a, b in
            if a.1.period.start != b.1.period.start { return a.1.period.start < b.1.period.start }
            if a.0.customerID != b.0.customerID { return a.0.customerID < b.0.customerID }
            return a.0.number < b.0.number
        }
        var lines: [String: [DispatchLine]] = [:]
        var sentPeriods: [Enrolment.ID: WearPeriod] = [:]
        var unsentEnrolments = Set<Enrolment.ID>()
        for (e, p) in planned {
            guard let id = e.id else { continue }
            let next = nextCard[e.dosimeterType] ?? 0
            guard let cards = stock[e.dosimeterType], next < cards.count, let price = prices[e.dosimeterType] else {
                report.unsent.append(Unsent(customerID: e.customerID, enrolmentNumber: e.number, dosimeterType: e.dosimeterType, period: p.period))
                unsentEnrolments.insert(id)
                continue
            }
            let card = cards[next]
            nextCard[e.dosimeterType] = next + 1
            let free = policy.freeShortFirstCard && p.cutShort
            lines[e.customerID, default: []].append(DispatchLine(
                request: IssueRequest(cardID: card, enrolmentID: id, periodStart: p.period.start, periodEnd: p.period.end),
                priceMinorUnits: price.priceMinorUnits, currency: price.currency, free: free,
                note: free ? "first period cut short: sent free of charge" : ""))
            report.sent.append(SentCard(customerID: e.customerID, enrolmentNumber: e.number, cardID: card, dosimeterType: e.dosimeterType,
                                        period: p.period, reason: p.reason, late: p.late, free: free))
            sentPeriods[id] = max(sentPeriods[id] ?? p.period, p.period)
        }
        // 4. One shipment per customer, each whole; several customers' shipments share a transaction
        //    of about `cardsPerTransaction` cards when the store can (a commit waits for the disk).
        let shipments = lines.keys.sorted().compactMap { id in lines[id].flatMap { $0.isEmpty ? nil : (customerID: id, lines: $0) } }
        if let dayStore = store as? any DayDispatchStore {
            var batch: [(customerID: String, lines: [DispatchLine])] = []
            var cards = 0
            for shipment in shipments {
                batch.append(shipment)
                cards += shipment.lines.count
                if cards >= Self.cardsPerTransaction || shipment.customerID == shipments.last?.customerID {
                    report.shipments += try dayStore.dispatch(shipments: batch, dispatchedOn: day)
                    batch = []
                    cards = 0
                }
            }
        } else {
            for shipment in shipments {
                report.shipments.append(try store.dispatch(shipment.lines, customerID: shipment.customerID, dispatchedOn: day))
            }
        }
        // 5. New enrolments at risk of missing the 5-working-day deadline.
        for e in enrolments where e.orderedOn <= day {
            guard let id = e.id, latest[id] == nil else { continue }
            let deadline = ReturnDeadlines.dispatchDeadline(orderedOn: e.orderedOn, holidays: policy.holidays)
            let left = Self.workingDays(from: day, to: deadline, holidays: policy.holidays)
            if unsentEnrolments.contains(id) {
                report.atRisk.append(AtRisk(customerID: e.customerID, enrolmentNumber: e.number, orderedOn: e.orderedOn, deadline: deadline,
                                            workingDaysLeft: left, reason: "no \(e.dosimeterType.displayName) card in stock"))
            } else if sentPeriods[id] != nil && day > deadline {
                report.atRisk.append(AtRisk(customerID: e.customerID, enrolmentNumber: e.number, orderedOn: e.orderedOn, deadline: deadline,
                                            workingDaysLeft: left, reason: "first card sent after the deadline"))
            }
        }
        // 6. The stock forecast: cards needed up to the horizon against what is left.
        var demand: [DosimeterType: [CalendarDay]] = [:]
        for e in enrolments {
            guard let id = e.id else { continue }
            let last = [sentPeriods[id], latest[id].map { WearPeriod(start: $0.periodStart, end: $0.periodEnd) }].compactMap { $0 }.max()
            var days = DispatchPlanner.upcomingSendDays(enrolment: e, lastPeriod: last, after: day, through: horizon, policy: policy)
            if unsentEnrolments.contains(id), last != nil { days.insert(day, at: 0) }
            demand[e.dosimeterType, default: []] += days
        }
        let inCycleStates: [CardState] = [.returned, .inspected, .read, .released, .annealed, .zeroed]
        var inCycle: [DosimeterType: Int] = [:]
        for state in inCycleStates {
            for card in try store.cards(state: state) { inCycle[card.dosimeterType, default: 0] += 1 }
        }
        for type in DosimeterType.allCases {
            let needs = (demand[type] ?? []).sorted()
            let available = (stock[type]?.count ?? 0) - (nextCard[type] ?? 0)
            guard !needs.isEmpty || available > 0 else { continue }
            report.forecast.append(StockForecast(
                dosimeterType: type, available: available, inCycle: inCycle[type] ?? 0, needed: needs.count,
                firstShortDay: needs.count > available ? needs[available] : nil))
        }
        if !report.unsent.isEmpty {
            logger.warning("cards not sent for want of stock", metadata: ["cards": "\(report.unsent.count)"])
        }
        return report
    }

    /// Cards per write transaction of a day's shipments: 10 000 cards commit 5 times, not once per customer.
    static let cardsPerTransaction = 2_000

    /// Working days after `from` up to and including `to` (negative when `to` is earlier).
    static func workingDays(from: CalendarDay, to: CalendarDay, holidays: HolidayCalendar) -> Int {
        if to < from { return -workingDays(from: to, to: from, holidays: holidays) }
        var n = 0
        var d = from
        while d < to {
            d = d.adding(days: 1)
            if holidays.isWorkingDay(d) { n += 1 }
        }
        return n
    }
}
