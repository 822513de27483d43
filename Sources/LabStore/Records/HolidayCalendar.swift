/// Public holidays on which the lab does not dispatch: working days are Monday–Friday except these.
///
/// ```swift
/// HolidayCalendar.denmark.isHoliday(try CalendarDay(parsing: "2026-04-03"))  // Good Friday: true
/// try CalendarDay(parsing: "2026-04-01").addingWorkingDays(5, holidays: .denmark)  // 2026-04-13
/// ```
public struct HolidayCalendar: Sendable, Hashable {
    /// Fixed-date holidays as (month, day).
    public var fixed: [MonthDay]
    /// Holidays at a fixed offset in days from Easter Sunday (Gregorian).
    public var easterOffsets: [EasterOffset]
    /// Single extra closing days (a bridge day, a lab closure).
    public var extraDays: Set<CalendarDay>

    public struct MonthDay: Sendable, Hashable {
        public var month: Int
        public var day: Int
        public init(_ month: Int, _ day: Int) { self.month = month; self.day = day }
    }

    public struct EasterOffset: Sendable, Hashable {
        public var days: Int
        /// First year it applies (nil: always).
        public var fromYear: Int?
        /// Last year it applies (nil: still).
        public var throughYear: Int?
        public init(_ days: Int, fromYear: Int? = nil, throughYear: Int? = nil) {
            self.days = days
            self.fromYear = fromYear
            self.throughYear = throughYear
        }
    }

    public init(fixed: [MonthDay] = [], easterOffsets: [EasterOffset] = [], extraDays: Set<CalendarDay> = []) {
        self.fixed = fixed
        self.easterOffsets = easterOffsets
        self.extraDays = extraDays
    }

    /// Weekends only.
    public static let none = HolidayCalendar()

    /// The Danish public holidays (helligdage): New Year's Day; Maundy Thursday, Good Friday, Easter
    /// Sunday and Monday; Great Prayer Day (Easter + 26) until 2023 — abolished as a public holiday from
    /// 2024 (Lov nr. 1 af 28. februar 2023 om afskaffelse af store bededag som helligdag); Ascension Day
    /// (+39); Whit Sunday and Monday (+49, +50); Christmas Day and Boxing Day. Constitution Day (5 June)
    /// and Christmas Eve are customary days off but not public holidays: add them as ``extraDays`` if
    /// the lab closes.
    public static let denmark = HolidayCalendar(
        fixed: [MonthDay(1, 1), MonthDay(12, 25), MonthDay(12, 26)],
        easterOffsets: [
            EasterOffset(-3), EasterOffset(-2), EasterOffset(0), EasterOffset(1),
            EasterOffset(26, throughYear: 2023), EasterOffset(39), EasterOffset(49), EasterOffset(50),
        ])

    public func isHoliday(_ day: CalendarDay) -> Bool {
        if extraDays.contains(day) { return true }
        if fixed.contains(MonthDay(day.month, day.day)) { return true }
        guard !easterOffsets.isEmpty else { return false }
        let easter = Self.easterSunday(year: day.year)
        let offset = easter.days(to: day)
        return easterOffsets.contains { o in
            o.days == offset && (o.fromYear.map { day.year >= $0 } ?? true) && (o.throughYear.map { day.year <= $0 } ?? true)
        }
    }

    /// A day the lab works: Monday–Friday and not a holiday.
    public func isWorkingDay(_ day: CalendarDay) -> Bool { !day.isWeekend && !isHoliday(day) }

    /// Gregorian Easter Sunday by the anonymous ("Meeus/Jones/Butcher") algorithm, J. Meeus,
    /// *Astronomical Algorithms*, 2nd ed. (1998), ch. 8; valid for every Gregorian year.
    public static func easterSunday(year: Int) -> CalendarDay {
        let a = year % 19
        let b = year / 100, c = year % 100
        let d = b / 4, e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        // month is 3 or 4 and day a day of it by construction; the fallback is never taken.
        return (try? CalendarDay(year: year, month: month, day: day)) ?? CalendarDay(daysSinceEpoch: 0)
    }
}
