import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Results turnaround: due dates, late and soon-due results, monthly figures")
struct ResultTurnaroundTests {
    static func timing(_ id: Int64, end: String, arrived: String?, released: String?, retired: Bool = false) -> ResultTiming {
        let releasedAt = released.map { Date(timeIntervalSince1970: Double(day($0).daysSinceEpoch) * 86_400 + 3_600) }
        return ResultTiming(issueID: .init(rawValue: id), customerID: "K-1001", cardID: "C\(id)", enrolmentNumber: "TILM-0000000\(id)",
                            wearerName: "W\(id)", periodEnd: day(end), arrivedOn: arrived.map(day), releasedAt: releasedAt, retiredOnArrival: retired)
    }

    @Test("due: period end + 1 month when back by the reminder day; else arrival + 1 month; none while out", arguments: [
        ("2027-01-31", "2027-02-03", "2027-02-28"),
        ("2027-01-31", "2027-02-28", "2027-02-28"),   // back on the reminder day: on time
        ("2027-01-31", "2027-03-01", "2027-04-01"),   // late: a month from arrival
        ("2027-01-14", "2027-01-20", "2027-02-14"),
    ])
    func dueDate(end: String, arrived: String, due: String) {
        #expect(ResultTurnaround.dueDate(periodEnd: day(end), arrivedOn: day(arrived)) == day(due))
        #expect(ResultTurnaround.dueDate(periodEnd: day(end), arrivedOn: nil) == nil)
    }

    @Test("late and soon-due lists: released, not back and retired cards are not owed")
    func dueList() {
        let timings = [
            Self.timing(1, end: "2027-01-31", arrived: "2027-02-03", released: nil),          // due 02-28: late on 03-05
            Self.timing(2, end: "2027-02-14", arrived: "2027-02-20", released: nil),          // due 03-14: soon
            Self.timing(3, end: "2027-02-28", arrived: "2027-03-02", released: nil),          // due 03-28: not within 7 days
            Self.timing(4, end: "2027-01-31", arrived: "2027-02-03", released: "2027-02-10"),
            Self.timing(5, end: "2027-01-31", arrived: nil, released: nil),
            Self.timing(6, end: "2027-01-31", arrived: "2027-02-03", released: nil, retired: true),
        ]
        let rows = ResultTurnaround.due(timings, today: day("2027-03-05"), withinDays: 10)
        #expect(rows.map(\.timing.issueID.rawValue) == [1, 2])
        #expect(rows.map(\.state) == [.late, .dueSoon])
        #expect(rows[0].daysPastDue == 5 && rows[1].daysPastDue == -9)
    }

    @Test("monthly figures: released on time, late, open, median and longest days")
    func monthly() {
        let timings = [
            Self.timing(1, end: "2027-01-31", arrived: "2027-02-03", released: "2027-02-10"),   // 10 days, on time
            Self.timing(2, end: "2027-01-31", arrived: "2027-02-03", released: "2027-03-10"),   // 38 days, late
            Self.timing(3, end: "2027-01-14", arrived: "2027-01-20", released: "2027-02-02"),   // 19 days, on time
            Self.timing(4, end: "2027-01-31", arrived: "2027-02-03", released: nil),            // open, late on 03-05
            Self.timing(5, end: "2027-01-31", arrived: nil, released: nil),
            Self.timing(6, end: "2027-02-28", arrived: "2027-03-01", released: nil),            // open, not due
        ]
        let months = ResultTurnaround.monthly(timings, year: 2027, today: day("2027-03-05"))
        #expect(months.count == 12)
        let jan = months[0]
        #expect((jan.periods, jan.released, jan.releasedOnTime, jan.openLate, jan.notReturned) == (5, 3, 2, 1, 1))
        #expect(jan.medianDays == 19 && jan.maxDays == 38)
        #expect(jan.onTimePercent == 50)
        #expect(months[1].openNotDue == 1 && months[1].onTimePercent == nil)
    }
}
