import Foundation
import LabStore

/// When each result is due and how long results took (docs/dose-records.md, "Results turnaround").
///
/// The Danish service sends a result "senest en måned efter måleperiodens afslutning" — at the latest
/// one month after the end of the period — provided the card was returned on time (seed 004,
/// "Resultatet for dosisovervågning"; DOMAIN.md §3). A card is on time when it arrives by the reminder
/// day (period end + 1 month, the day a missing card goes on the customer's reminder, DOMAIN.md §3):
/// its result is due period end + 1 month. For a card that came back later the lab gives itself the
/// same month from the day it arrived (the lab's own rule; the seed sets none). A card not back has no
/// due date; one retired on arrival gives no result (a dose may be assigned, `tld assign`).
public enum ResultTurnaround {
    /// The due date of a result, nil while the card is not back.
    public static func dueDate(periodEnd: CalendarDay, arrivedOn: CalendarDay?) -> CalendarDay? {
        guard let arrivedOn else { return nil }
        let onTime = arrivedOn <= ReturnDeadlines.reminderDue(periodEnd: periodEnd)
        return onTime ? periodEnd.adding(months: 1) : arrivedOn.adding(months: 1)
    }

    /// The lab's calendar day of a release time (UTC).
    public static func day(_ date: Date) -> CalendarDay {
        CalendarDay(utcDayOf: date)
    }

    public enum DueState: String, Sendable, Hashable {
        /// Not released and past its due date.
        case late
        /// Not released, due within the window.
        case dueSoon = "due soon"
    }

    public struct DueRow: Sendable, Hashable {
        public var timing: ResultTiming
        public var due: CalendarDay
        public var state: DueState
        /// Days after (positive) or before (negative) the due date, on `today`.
        public var daysPastDue: Int
    }

    /// Results not released yet that are late on `today` or due within `withinDays` days, most late first.
    public static func due(_ timings: [ResultTiming], today: CalendarDay, withinDays: Int) -> [DueRow] {
        timings.compactMap { t -> DueRow? in
            guard t.releasedAt == nil, !t.retiredOnArrival, let due = dueDate(periodEnd: t.periodEnd, arrivedOn: t.arrivedOn) else { return nil }
            let past = due.days(to: today)
            if past > 0 { return DueRow(timing: t, due: due, state: .late, daysPastDue: past) }
            if -past <= withinDays { return DueRow(timing: t, due: due, state: .dueSoon, daysPastDue: past) }
            return nil
        }.sorted { ($0.daysPastDue, $1.timing.issueID) > ($1.daysPastDue, $0.timing.issueID) }
    }

    /// One month's turnaround: the results of the periods that ended in it.
    public struct Month: Sendable, Hashable {
        public var year: Int
        public var month: Int
        /// Periods ended in the month.
        public var periods = 0
        /// Cards not back (no result owed yet).
        public var notReturned = 0
        /// Results released, and of them by their due date.
        public var released = 0
        public var releasedOnTime = 0
        /// Not released, past the due date on the day asked.
        public var openLate = 0
        /// Not released, not yet due.
        public var openNotDue = 0
        /// Days from period end to release: median and longest of the released results.
        public var medianDays: Double?
        public var maxDays: Int?

        /// Released on time, of the results released and those already late.
        public var onTimePercent: Double? {
            let owed = released + openLate
            return owed == 0 ? nil : 100 * Double(releasedOnTime) / Double(owed)
        }
    }

    /// The twelve months of `year` (by period end), as of `today`.
    public static func monthly(_ timings: [ResultTiming], year: Int, today: CalendarDay) -> [Month] {
        (1...12).map { m in
            var month = Month(year: year, month: m)
            var days: [Int] = []
            for t in timings where t.periodEnd.year == year && t.periodEnd.month == m {
                month.periods += 1
                guard !t.retiredOnArrival else { continue }
                guard let due = dueDate(periodEnd: t.periodEnd, arrivedOn: t.arrivedOn) else { month.notReturned += 1; continue }
                if let released = t.releasedAt.map(day) {
                    month.released += 1
                    if released <= due { month.releasedOnTime += 1 }
                    days.append(t.periodEnd.days(to: released))
                } else if due < today {
                    month.openLate += 1
                } else {
                    month.openNotDue += 1
                }
            }
            days.sort()
            if !days.isEmpty {
                month.medianDays = days.count % 2 == 1 ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
                month.maxDays = days.last
            }
            return month
        }
    }
}
