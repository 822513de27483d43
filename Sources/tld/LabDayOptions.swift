import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `--on DAY`: the lab's day for what a command dates — the day a case opens and its deadline, the day
/// a notification is raised, what is overdue — default today (UTC). A lab that enters a day's work
/// later, or the demo that plays a year, gets the deadlines of that day, not of the wall clock.
struct LabDayOptions: ParsableArguments {
    @Option(name: .customLong("on"), help: ArgumentHelp(
        "The lab's day (default today, UTC): cases open and notifications are raised on it, deadlines count from it.",
        valueName: "YYYY-MM-DD"))
    var on: CalendarDay?

    var day: CalendarDay { on ?? today() }

    /// The clock of the lab day: without --on the wall clock; with it, that day at the current UTC time
    /// of day (so the order of what a command records stays the order it happened in).
    var clock: @Sendable () -> Date {
        guard let on else { return { Date() } }
        return {
            let now = Date()
            return on.startDate.addingTimeInterval(now.timeIntervalSince(CalendarDay(utcDayOf: now).startDate))
        }
    }
}
