import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Dispatch planner: which periods go out on a day (pure)")
struct DispatchPlannerTests {
    static func enrolment(_ type: DosimeterType, _ length: PeriodLength, start: String, ordered: String, end: String? = nil) -> Enrolment {
        Enrolment(id: Enrolment.ID(rawValue: 1), number: "TILM-00000001", wearerID: Wearer.ID(rawValue: 1), customerID: "K-1",
                  dosimeterType: type, periodLength: length, startDate: day(start), endDate: end.map(day), orderedOn: day(ordered))
    }

    static func issue(_ start: String, _ end: String) -> CardIssue {
        CardIssue(cardID: "C", enrolmentID: Enrolment.ID(rawValue: 1), customerID: "K-1", periodStart: day(start), periodEnd: day(end),
                  issuedAt: Date(timeIntervalSince1970: 0))
    }

    @Test("a 3-month card cut short to less than a month: the next quarter's card goes with it")
    func quarterCutShort() {
        let e = Self.enrolment(.wholeBody, .threeMonths, start: "2027-03-20", ordered: "2027-03-20")
        let out = DispatchPlanner.plan(enrolment: e, issued: [], on: day("2027-03-22"), policy: DispatchPolicy())
        #expect(out.send.map(\.period.description) == ["2027-01-15–2027-04-14", "2027-04-15–2027-07-14"])
        #expect(out.send.map(\.cutShort) == [true, false])
        // Ordered early enough for a full month of use: one card.
        let full = Self.enrolment(.wholeBody, .threeMonths, start: "2027-02-01", ordered: "2027-02-01")
        #expect(DispatchPlanner.plan(enrolment: full, issued: [], on: day("2027-02-01"), policy: DispatchPolicy()).send.count == 1)
    }

    @Test("2-week finger periods: the 15th's card goes 5 working days before, not while the first half is young")
    func twoWeekFinger() {
        let e = Self.enrolment(.finger, .twoWeeks, start: "2027-06-01", ordered: "2027-05-10")
        let issued = [Self.issue("2027-06-01", "2027-06-14")]
        // 15 June 2027 is a Tuesday: 5 working days before is Tuesday 8 June.
        #expect(DispatchPolicy().sendDay(for: WearPeriod(start: day("2027-06-15"), end: day("2027-06-30"))) == day("2027-06-08"))
        #expect(DispatchPlanner.plan(enrolment: e, issued: issued, on: day("2027-06-07"), policy: DispatchPolicy()).send.isEmpty)
        let due = DispatchPlanner.plan(enrolment: e, issued: issued, on: day("2027-06-08"), policy: DispatchPolicy())
        #expect(due.send.map(\.period.description) == ["2027-06-15–2027-06-30"] && due.send[0].reason == .nextPeriod && !due.send[0].late)
    }

    @Test("not yet ordered on the day: nothing; ended before the next period: nothing")
    func orderAndEnd() {
        let e = Self.enrolment(.wholeBody, .oneMonth, start: "2027-04-01", ordered: "2027-03-24")
        #expect(DispatchPlanner.plan(enrolment: e, issued: [], on: day("2027-03-23"), policy: DispatchPolicy()).send.isEmpty)
        let ending = Self.enrolment(.wholeBody, .oneMonth, start: "2027-01-01", ordered: "2026-12-01", end: "2027-04-30")
        let last = [Self.issue("2027-04-01", "2027-04-30")]
        #expect(DispatchPlanner.plan(enrolment: ending, issued: last, on: day("2027-04-26"), policy: DispatchPolicy()).send.isEmpty)
    }

    @Test("the forecast's demand: send days of the coming periods within the horizon")
    func upcoming() {
        let e = Self.enrolment(.wholeBody, .oneMonth, start: "2027-01-01", ordered: "2026-12-01")
        let days = DispatchPlanner.upcomingSendDays(enrolment: e, lastPeriod: WearPeriod(start: day("2027-03-01"), end: day("2027-03-31")),
                                                    after: day("2027-03-10"), through: day("2027-05-31"), policy: DispatchPolicy())
        // April's card on 22 March (Easter), May's on 26 April, June's on 25 May (1 June is a Tuesday).
        #expect(days == [day("2027-03-22"), day("2027-04-26"), day("2027-05-25")])
    }
}
