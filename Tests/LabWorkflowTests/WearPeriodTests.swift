import LabStore
import Testing
@testable import LabWorkflow

func day(_ text: String) -> CalendarDay {
    do { return try CalendarDay(parsing: text) } catch { fatalError("\(error)") }
}

@Suite("Calendar days and wear periods (DOMAIN.md §1–2)")
struct WearPeriodTests {
    @Test("day arithmetic round-trips over 1900–2100, weekdays and leap years are right")
    func calendarDay() throws {
        var d = day("1900-01-01")
        let end = day("2100-12-31")
        var previous = d.daysSinceEpoch - 1
        while d <= end {
            #expect(d.daysSinceEpoch == previous + 1)
            #expect(CalendarDay(daysSinceEpoch: d.daysSinceEpoch) == d)
            previous = d.daysSinceEpoch
            d = d.adding(days: 1)
        }
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("1970-01-01").isoWeekday == 4)  // Thursday
        #expect(day("2026-11-23").isoWeekday == 1)  // Monday
        #expect(day("2024-02-28").adding(days: 1) == day("2024-02-29"))
        #expect(day("2100-02-28").adding(days: 1) == day("2100-03-01"))
        #expect(day("2026-01-31").adding(months: 1) == day("2026-02-28"))
        #expect(throws: CalendarDayError.self) { try CalendarDay(parsing: "2026-02-29") }
        #expect(throws: CalendarDayError.self) { try CalendarDay(parsing: "26-1-1") }
        #expect(day("2026-11-20").addingWorkingDays(5) == day("2026-11-27"))  // Fri + 5 working days
    }

    @Test("Gregorian Easter (Meeus) against published dates")
    func easter() {
        // Dates from the published Easter tables (e.g. the US Naval Observatory's list).
        let known = ["1818-03-22", "1943-04-25", "2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21",
                     "2023-04-09", "2024-03-31", "2025-04-20", "2026-04-05", "2038-04-25", "2285-03-22"]
        for k in known { #expect(HolidayCalendar.easterSunday(year: day(k).year) == day(k)) }
    }

    @Test("Danish public holidays and the 5-working-day dispatch deadline")
    func danishHolidays() {
        let dk = HolidayCalendar.denmark
        for h in ["2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-14",
                  "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26", "2023-05-05"] {
            #expect(dk.isHoliday(day(h)), "\(h)")
        }
        // Great Prayer Day is no holiday from 2024 on; Constitution Day and ordinary days are not either.
        for d in ["2024-04-26", "2026-05-01", "2026-06-05", "2026-04-07", "2026-12-24"] { #expect(!dk.isHoliday(day(d)), "\(d)") }
        // Wed 1 April 2026: Maundy Thursday, Good Friday, the weekend and Easter Monday are skipped.
        #expect(ReturnDeadlines.dispatchDeadline(orderedOn: day("2026-04-01")) == day("2026-04-13"))
        #expect(ReturnDeadlines.dispatchDeadline(orderedOn: day("2026-04-01"), holidays: .none) == day("2026-04-08"))
        var closed = HolidayCalendar.denmark
        closed.extraDays = [day("2026-11-27")]
        #expect(ReturnDeadlines.dispatchDeadline(orderedOn: day("2026-11-20"), holidays: closed) == day("2026-11-30"))
    }

    @Test("two-week periods are 1st–14th and 15th–last day", arguments: [
        ("2026-02-03", "2026-02-01", "2026-02-14"), ("2026-02-15", "2026-02-15", "2026-02-28"),
        ("2024-02-29", "2024-02-15", "2024-02-29"), ("2026-12-31", "2026-12-15", "2026-12-31"),
    ])
    func twoWeeks(d: String, start: String, end: String) {
        let p = PeriodSchedule(length: .twoWeeks).period(containing: day(d))
        #expect(p == WearPeriod(start: day(start), end: day(end)))
    }

    @Test("3-month cards run 15 Jan, 15 Apr, 15 Jul, 15 Oct", arguments: [
        ("2026-01-15", "2026-01-15", "2026-04-14"), ("2026-01-14", "2025-10-15", "2026-01-14"),
        ("2026-04-14", "2026-01-15", "2026-04-14"), ("2026-11-23", "2026-10-15", "2027-01-14"),
        ("2026-07-15", "2026-07-15", "2026-10-14"),
    ])
    func quarterly(d: String, start: String, end: String) {
        let p = PeriodSchedule.standard(for: .wholeBody, length: .threeMonths).period(containing: day(d))
        #expect(p == WearPeriod(start: day(start), end: day(end)))
    }

    @Test("1-month periods on the 1st and on the 15th", arguments: [
        (1, "2026-03-31", "2026-03-01", "2026-03-31"), (15, "2026-03-14", "2026-02-15", "2026-03-14"),
        (15, "2026-12-20", "2026-12-15", "2027-01-14"), (1, "2024-02-29", "2024-02-01", "2024-02-29"),
    ])
    func monthly(startDay: Int, d: String, start: String, end: String) {
        let p = PeriodSchedule(length: .oneMonth, startDay: startDay).period(containing: day(d))
        #expect(p == WearPeriod(start: day(start), end: day(end)))
    }

    @Test("every schedule tiles the calendar: periods are contiguous, start on the 1st or 15th, contain their days")
    func tiling() {
        let schedules = [
            PeriodSchedule(length: .twoWeeks), PeriodSchedule(length: .oneMonth, startDay: 1),
            PeriodSchedule(length: .oneMonth, startDay: 15), PeriodSchedule(length: .threeMonths, startDay: 15, cycleMonth: 1),
            PeriodSchedule(length: .threeMonths, startDay: 1, cycleMonth: 2),
        ]
        for s in schedules {
            var p = s.period(containing: day("2023-12-20"))
            for _ in 0..<120 {
                #expect([1, 15].contains(p.start.day), "\(s) \(p)")
                #expect(p.contains(p.start) && p.contains(p.end))
                let n = s.next(after: p)
                #expect(n.start == p.end.adding(days: 1), "\(s): \(p) then \(n)")
                #expect(s.period(containing: p.start.adding(days: p.dayCount / 2)) == p)
                switch s.length {
                case .twoWeeks: #expect((14...17).contains(p.dayCount))  // 1st–14th; 15th–28th…31st
                case .oneMonth: #expect((28...31).contains(p.dayCount))
                case .threeMonths:
                    #expect((89...92).contains(p.dayCount))
                    #expect((p.start.month - s.cycleMonth) % 3 == 0)
                }
                p = n
            }
        }
    }

    @Test("a first period cut short also gets the next period's card", arguments: [
        // (length, wanted start, ordered on, expected period starts)
        (PeriodLength.oneMonth, "2026-03-01", "2026-03-10", ["2026-03-01"]),         // 22 usable days
        (PeriodLength.oneMonth, "2026-03-01", "2026-03-18", ["2026-03-01", "2026-04-01"]),  // 14 days
        (PeriodLength.threeMonths, "2026-01-15", "2026-02-01", ["2026-01-15"]),
        (PeriodLength.threeMonths, "2026-01-15", "2026-03-20", ["2026-01-15", "2026-04-15"]),
        (PeriodLength.twoWeeks, "2026-03-01", "2026-03-13", ["2026-03-01"]),
    ])
    func firstPeriods(length: PeriodLength, start: String, ordered: String, expected: [String]) {
        let s = PeriodSchedule.standard(for: length == .twoWeeks ? .finger : .wholeBody, length: length)
        #expect(s.firstPeriods(startDate: day(start), orderedOn: day(ordered)).map(\.start) == expected.map(day))
    }

    @Test("unsubscribing: by the 15th of the month before for 1st changes, by the 1st for 15th changes")
    func unsubscribeDeadline() {
        #expect(PeriodSchedule.unsubscribeDeadline(forPeriodStarting: day("2026-04-01")) == day("2026-03-15"))
        #expect(PeriodSchedule.unsubscribeDeadline(forPeriodStarting: day("2026-01-01")) == day("2025-12-15"))
        #expect(PeriodSchedule.unsubscribeDeadline(forPeriodStarting: day("2026-04-15")) == day("2026-04-01"))
        #expect(ReturnDeadlines.reminderDue(periodEnd: day("2026-01-31")) == day("2026-02-28"))
        #expect(ReturnDeadlines.compensationDue(periodEnd: day("2026-10-14")) == day("2027-01-14"))
    }
}
