import LabStore

/// One wear period: first and last day, both inclusive (DOMAIN.md §1).
public struct WearPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var start: CalendarDay
    public var end: CalendarDay

    public init(start: CalendarDay, end: CalendarDay) {
        self.start = start
        self.end = end
    }

    public func contains(_ day: CalendarDay) -> Bool { start <= day && day <= end }
    /// Days in the period, both ends counted.
    public var dayCount: Int { start.days(to: end) + 1 }

    public static func < (a: WearPeriod, b: WearPeriod) -> Bool { a.start < b.start }
    public var description: String { "\(start)–\(end)" }
}

/// The fixed calendar of wear periods of one kind of subscription (DOMAIN.md §1–2):
/// - periods start on the 1st or the 15th of a month;
/// - 2-week (finger) periods run 1st–14th and 15th–last day of the month;
/// - 1-month periods run from the start day to the day before it a month later (1st–last day, or
///   15th–14th);
/// - 3-month periods run on fixed quarterly cycles, e.g. always starting 15 Jan, 15 Apr, 15 Jul, 15 Oct.
///
/// Pure functions of dates; no clock, no store.
public struct PeriodSchedule: Sendable, Hashable {
    public var length: PeriodLength
    /// 1 or 15 (ignored for two-week periods, which use both).
    public var startDay: Int
    /// For 3-month cycles, the first month of the cycle in a year (1 = Jan/Apr/Jul/Oct, 2 = Feb/May/…, 3 = Mar/Jun/…).
    public var cycleMonth: Int

    public init(length: PeriodLength, startDay: Int = 1, cycleMonth: Int = 1) {
        self.length = length
        self.startDay = startDay == 15 ? 15 : 1
        self.cycleMonth = max(1, min(3, cycleMonth))
    }

    /// The lab's cycle for a type and length: 3-month cards change on 15 Jan/Apr/Jul/Oct (the seed's
    /// example), 1-month cards on the 1st, finger cards on the 1st and 15th.
    public static func standard(for type: DosimeterType, length: PeriodLength) -> PeriodSchedule {
        switch length {
        case .twoWeeks: PeriodSchedule(length: .twoWeeks)
        case .oneMonth: PeriodSchedule(length: .oneMonth, startDay: 1)
        case .threeMonths: PeriodSchedule(length: .threeMonths, startDay: 15, cycleMonth: 1)
        }
    }

    /// The period that contains `day`.
    public func period(containing day: CalendarDay) -> WearPeriod {
        switch length {
        case .twoWeeks:
            if day.day < 15 {
                return WearPeriod(start: day.firstOfMonth, end: day.firstOfMonth.adding(days: 13))
            }
            return WearPeriod(start: day.firstOfMonth.adding(days: 14), end: day.lastDayOfMonth)
        case .oneMonth, .threeMonths:
            let months = length.months
            // Candidate start in the day's month, then step back to a cycle month not after `day`.
            var start = day.firstOfMonth.adding(days: startDay - 1)
            if start > day { start = start.adding(months: -1) }
            if months == 3 {
                let offset = ((start.month - cycleMonth) % 3 + 3) % 3
                start = start.adding(months: -offset)
            }
            return WearPeriod(start: start, end: start.adding(months: months).adding(days: -1))
        }
    }

    /// The period right after `period`.
    public func next(after period: WearPeriod) -> WearPeriod {
        self.period(containing: period.end.adding(days: 1))
    }

    /// The first period(s) to send for a new enrolment: the period containing the wanted start date
    /// (which may begin before the order date, DOMAIN.md §2), plus the next period when the first
    /// one's usable time — from the later of start date and order date to its end — is cut short:
    /// a 1-month card to 14 days or less, a 3-month card to one month or less.
    public func firstPeriods(startDate: CalendarDay, orderedOn: CalendarDay) -> [WearPeriod] {
        let first = period(containing: startDate)
        let usableFrom = max(startDate, orderedOn, first.start)
        let usableDays = usableFrom.days(to: first.end) + 1
        let cutShort: Bool
        switch length {
        case .twoWeeks: cutShort = false
        case .oneMonth: cutShort = usableDays <= 14
        case .threeMonths: cutShort = usableFrom.adding(months: 1) > first.end
        }
        return cutShort ? [first, next(after: first)] : [first]
    }

    /// The last day an unsubscription takes effect for the period starting on `periodStart`: 15 days
    /// before it — the 15th of the previous month for cards changed on the 1st, the 1st of the month
    /// for cards changed on the 15th (DOMAIN.md §2).
    public static func unsubscribeDeadline(forPeriodStarting periodStart: CalendarDay) -> CalendarDay {
        if periodStart.day >= 15 { return periodStart.firstOfMonth }
        return periodStart.firstOfMonth.adding(months: -1).adding(days: 14)
    }
}

/// Dates the lab keeps for a card out with a customer (DOMAIN.md §3).
public enum ReturnDeadlines {
    /// A reminder lists cards not returned one month after the period's end.
    public static func reminderDue(periodEnd: CalendarDay) -> CalendarDay { periodEnd.adding(months: 1) }
    /// Compensation is charged for cards not returned three months after the period's end.
    public static func compensationDue(periodEnd: CalendarDay) -> CalendarDay { periodEnd.adding(months: 3) }
    /// A new enrolment's first card is dispatched within 5 working days of the order (DOMAIN.md §2),
    /// counted without weekends and the lab's public holidays (Danish by default).
    public static func dispatchDeadline(orderedOn: CalendarDay, holidays: HolidayCalendar = .denmark) -> CalendarDay {
        orderedOn.addingWorkingDays(5, holidays: holidays)
    }
}
