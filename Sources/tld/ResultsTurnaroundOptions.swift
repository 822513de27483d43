import ArgumentParser
import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow

/// `tld results --due` and `tld results --turnaround --year Y`: which results are late or due soon,
/// and how long results took per month (docs/dose-records.md, "Results turnaround").
struct ResultsTurnaroundOptions: ParsableArguments {
    @Flag(help: "List the results not released yet that are late or due within --within days.")
    var due = false
    @Option(help: ArgumentHelp("With --due: days ahead that count as due soon.", valueName: "days"))
    var within = 7
    @Flag(help: "Monthly turnaround figures of --year (by the month the periods ended).")
    var turnaround = false
    @Option(help: "With --turnaround: the calendar year.")
    var year: Int?
    @Option(help: ArgumentHelp("The day asked about (default today).", valueName: "YYYY-MM-DD"))
    var on: CalendarDay?
    @Option(help: "With --due or --turnaround: table, csv or json.")
    var format: ListFormat = .table

    func validate() throws {
        if due && turnaround { throw ValidationError("Give --due or --turnaround, not both.") }
        if turnaround && year == nil { throw ValidationError("--turnaround needs --year.") }
        if within < 0 { throw ValidationError("--within is a number of days, 0 or more.") }
    }

    func run(store: any ResultTurnaroundStore, customer: String?) throws {
        if let customer, try store.customer(id: customer) == nil { throw ToolError.refused("no customer \(customer)") }
        let day = on ?? today()
        if due {
            // A result not released can be owed for any period that ended in the last years; two years back is ample.
            let timings = try store.resultTimings(periodEndFrom: day.adding(months: -24), to: day, customerID: customer)
            let rows = ResultTurnaround.due(timings, today: day, withinDays: within)
            let listing = RecordListing(
                columns: ["state", "due", "days_past_due", "customer", "card", "enrolment", "wearer", "period_end", "arrived"],
                rows: rows.map { r in
                    [r.state.rawValue, r.due.description, "\(r.daysPastDue)", r.timing.customerID, r.timing.cardID, r.timing.enrolmentNumber,
                     r.timing.wearerName, r.timing.periodEnd.description, r.timing.arrivedOn?.description ?? ""]
                })
            print(listing.render(format), terminator: "")
            if format == .table {
                let late = rows.filter { $0.state == .late }.count
                print("\(late) late, \(rows.count - late) due within \(within) days, on \(day).")
            }
            return
        }
        guard let year, let first = try? CalendarDay(year: year, month: 1, day: 1), let last = try? CalendarDay(year: year, month: 12, day: 31) else {
            throw ToolError.refused("--year \(year ?? 0) is not a calendar year")
        }
        let months = ResultTurnaround.monthly(try store.resultTimings(periodEndFrom: first, to: last, customerID: customer), year: year, today: day)
        func number(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "" }
        let listing = RecordListing(
            columns: ["month", "periods", "not_returned", "released", "released_on_time", "open_late", "open_not_due",
                      "on_time_percent", "median_days", "max_days"],
            rows: months.map { m in
                [String(format: "%04d-%02d", m.year, m.month), "\(m.periods)", "\(m.notReturned)", "\(m.released)", "\(m.releasedOnTime)",
                 "\(m.openLate)", "\(m.openNotDue)", number(m.onTimePercent), number(m.medianDays), m.maxDays.map { "\($0)" } ?? ""]
            })
        print(listing.render(format), terminator: "")
        if format == .table {
            print("By the month the periods ended; due one month after the period (or after a late card arrived); as of \(day).")
        }
    }
}
