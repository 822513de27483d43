import Dosimetry
import Foundation
import LabStore

// Day arithmetic on the lab's clock, in one place instead of `/ 86_400` and `* 86_400` at each site.
// The lab's days are UTC days of exactly 86 400 s (POSIX time has no leap seconds; CalendarDay has no
// time zone), so a span in days is seconds / 86 400 and a calendar day starts at a multiple of 86 400 s.

extension Days {
    /// Seconds in one day of the lab's calendar (UTC, POSIX time: no leap seconds, no daylight saving).
    public static let secondsPerDay: TimeInterval = 86_400

    /// The days from `start` to `end`, fractional; negative when `end` is earlier.
    public init(from start: Date, to end: Date) {
        self.init(end.timeIntervalSince(start) / Self.secondsPerDay)
    }

    /// The same span in seconds.
    public var timeInterval: TimeInterval { value * Self.secondsPerDay }
}

extension Date {
    /// This instant `days` later.
    public func adding(_ days: Days) -> Date { addingTimeInterval(days.timeInterval) }

    /// This instant `days` earlier.
    public func subtracting(_ days: Days) -> Date { addingTimeInterval(-days.timeInterval) }
}

extension CalendarDay {
    /// The UTC calendar day `date` falls on.
    public init(utcDayOf date: Date) {
        self.init(daysSinceEpoch: Int((date.timeIntervalSince1970 / Days.secondsPerDay).rounded(.down)))
    }

    /// Midnight UTC at the start of this day.
    public var startDate: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * Days.secondsPerDay) }
}
