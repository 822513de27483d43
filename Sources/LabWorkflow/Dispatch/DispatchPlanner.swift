import LabStore

/// Which periods of one enrolment get a card on a day (DOMAIN.md §1–2). Pure: dates in, periods out.
///
/// - A new enrolment (no card yet) gets its first card from the day the order is known: the period
///   containing the wanted start date, plus the next period when the first one's usable time is cut
///   short (``PeriodSchedule/firstPeriods(startDate:orderedOn:)``). It is due within 5 working days of
///   the order (``ReturnDeadlines/dispatchDeadline(orderedOn:holidays:)``).
/// - Otherwise the period after the last one issued goes out on its ``DispatchPolicy/sendDay(for:)``.
/// - A period already over on the day is never sent (it is reported as missed); a period that starts
///   after the enrolment's end date is never sent.
public enum DispatchPlanner {
    /// Why a card goes out.
    public enum Reason: String, Sendable, Hashable {
        /// The first card of a new enrolment.
        case firstCard
        /// The card of the period after a first period whose usable time was cut short.
        case afterShortFirstPeriod
        /// The next period of a running enrolment.
        case nextPeriod
    }

    /// One card to send.
    public struct Planned: Sendable, Hashable {
        public var enrolmentID: Enrolment.ID
        public var period: WearPeriod
        public var reason: Reason
        /// The first period's usable time is cut short (DOMAIN.md §2).
        public var cutShort: Bool
        /// The period has already begun: the card arrives after its first day.
        public var late: Bool
    }

    /// What an enrolment needs on `day`: the cards to send now, and the periods that ended without a card.
    public struct Outcome: Sendable, Hashable {
        public var send: [Planned] = []
        public var missed: [WearPeriod] = []
    }

    public static func plan(enrolment e: Enrolment, issued: [CardIssue], on day: CalendarDay, policy: DispatchPolicy) -> Outcome {
        guard let id = e.id, e.orderedOn <= day else { return Outcome() }
        let cal = schedule(of: e)
        var outcome = Outcome()
        let have = Set(issued.map(\.periodStart))
        func within(_ p: WearPeriod) -> Bool { e.endDate.map { p.start <= $0 } ?? true }

        guard let last = issued.max(by: { $0.periodStart < $1.periodStart }) else {
            // A new enrolment: its first card now.
            let first = cal.firstPeriods(startDate: e.startDate, orderedOn: e.orderedOn)
            let cutShort = first.count > 1
            for (i, p) in first.enumerated() where within(p) {
                if p.end < day { outcome.missed.append(p); continue }
                outcome.send.append(Planned(enrolmentID: id, period: p, reason: i == 0 ? .firstCard : .afterShortFirstPeriod,
                                            cutShort: i == 0 && cutShort, late: false))
            }
            if outcome.send.isEmpty, first.allSatisfy({ $0.end < day }) {
                // The wanted start lies so far back that its periods are over: the period running today.
                let now = cal.period(containing: day)
                if within(now) { outcome.send.append(Planned(enrolmentID: id, period: now, reason: .firstCard, cutShort: false, late: false)) }
            }
            return outcome
        }
        // A running enrolment: the periods after the last one, each on its send day.
        var p = cal.next(after: WearPeriod(start: last.periodStart, end: last.periodEnd))
        for _ in 0..<64 {
            guard within(p) else { break }
            if have.contains(p.start) { p = cal.next(after: p); continue }
            if p.end < day { outcome.missed.append(p); p = cal.next(after: p); continue }
            guard policy.sendDay(for: p) <= day else { break }
            outcome.send.append(Planned(enrolmentID: id, period: p, reason: .nextPeriod, cutShort: false, late: p.start <= day))
            p = cal.next(after: p)
        }
        return outcome
    }

    /// The send days of the cards an enrolment will need after `day` up to `horizon` (inclusive),
    /// given the periods it has or gets today: the stock forecast's demand.
    public static func upcomingSendDays(
        enrolment e: Enrolment, lastPeriod: WearPeriod?, after day: CalendarDay, through horizon: CalendarDay, policy: DispatchPolicy
    ) -> [CalendarDay] {
        let cal = schedule(of: e)
        func within(_ p: WearPeriod) -> Bool { e.endDate.map { p.start <= $0 } ?? true }
        var days: [CalendarDay] = []
        guard let lastPeriod else {
            // Not sent yet (ordered later, or short of stock today): due now.
            if e.orderedOn <= horizon { days.append(max(e.orderedOn, day.adding(days: 1))) }
            return days
        }
        var p = cal.next(after: lastPeriod)
        for _ in 0..<64 {
            guard within(p) else { break }
            let send = policy.sendDay(for: p)
            guard send <= horizon else { break }
            if send > day { days.append(send) }
            p = cal.next(after: p)
        }
        return days
    }
}
