/// A date on the lab's calendar (no time, no time zone): wear periods, arrival dates, dispatch dates.
///
/// Stored as ISO 8601 text `YYYY-MM-DD`, so SQL compares days as strings. The arithmetic is integer
/// only (days since 1970-01-01 in the proleptic Gregorian calendar, H. Hinnant's `days_from_civil`,
/// https://howardhinnant.github.io/date_algorithms.html), with no Foundation calendar in the way.
///
/// ```swift
/// let day = try CalendarDay(parsing: "2026-01-15")
/// day.adding(days: 17)          // 2026-02-01
/// day.lastDayOfMonth            // 2026-01-31
/// ```
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…(days in month).
    public let day: Int

    /// - Throws: ``CalendarDayError/invalid(year:month:day:)`` when the day does not exist.
    public init(year: Int, month: Int, day: Int) throws(CalendarDayError) {
        guard (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              (1...9999).contains(year) else {
            throw .invalid(year: year, month: month, day: day)
        }
        self.year = year
        self.month = month
        self.day = day
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(parsing text: String) throws(CalendarDayError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else {
            throw .unparsable(text)
        }
        try self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `days` days since 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public func adding(days: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: daysSinceEpoch + days) }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: CalendarDay) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// The same day number `months` months later, clamped to the month's last day.
    public func adding(months: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + months
        let y = index / 12
        let m = index % 12 + 1
        return CalendarDay(unchecked: y, m, min(day, Self.daysIn(month: m, year: y)))
    }

    /// The first of this month.
    public var firstOfMonth: CalendarDay { CalendarDay(unchecked: year, month, 1) }

    /// The last day of this month.
    public var lastDayOfMonth: CalendarDay { CalendarDay(unchecked: year, month, Self.daysIn(month: month, year: year)) }

    /// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int {
        let r = (daysSinceEpoch + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { isoWeekday >= 6 }

    /// The `n`-th working day after this day: Monday–Friday and not a holiday of `holidays`.
    public func addingWorkingDays(_ n: Int, holidays: HolidayCalendar = .none) -> CalendarDay {
        var d = self
        var left = n
        while left > 0 {
            d = d.adding(days: 1)
            if holidays.isWorkingDay(d) { left -= 1 }
        }
        return d
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// A day that does not exist or text that is not `YYYY-MM-DD`.
public enum CalendarDayError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalid(year: Int, month: Int, day: Int)
    case unparsable(String)

    public var description: String {
        switch self {
        case let .invalid(y, m, d): "\(y)-\(m)-\(d) is not a day of the calendar"
        case let .unparsable(text): "\"\(text)\" is not a date of the form YYYY-MM-DD"
        }
    }
}

extension CalendarDay: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
