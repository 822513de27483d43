import Dosimetry
import Foundation
import LabStore
import LabWorkflow
import Testing

@Suite("Day arithmetic on the lab's UTC calendar")
struct DayArithmeticTests {
    @Test func daysBetweenInstantsAreSecondsOver86400() {
        let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
        #expect(Days(from: start, to: start.addingTimeInterval(36 * 3600)) == Days(1.5))
        #expect(Days(from: start.addingTimeInterval(86_400), to: start) == Days(-1))
        #expect(start.adding(Days(16)).timeIntervalSince(start) == 16 * 86_400)
        #expect(start.subtracting(Days(0.5)) == start.addingTimeInterval(-43_200))
        #expect(Days(2.25).timeInterval == 194_400)
    }

    @Test(arguments: [
        (0.0, "1970-01-01"), (86_399.999, "1970-01-01"), (86_400.0, "1970-01-02"),
        (-0.001, "1969-12-31"), (1_767_225_600.0, "2026-01-01"), (1_767_225_599.0, "2025-12-31"),
    ])
    func aDateFallsOnItsUTCDay(seconds: Double, day: String) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let expected = try CalendarDay(parsing: day)
        #expect(CalendarDay(utcDayOf: date) == expected)
        #expect(expected.startDate <= date && date < expected.adding(days: 1).startDate)
    }
}
