import LabStore
import Testing
@testable import LabWorkflow

@Suite("An enrolment's stored change day and quarter cycle decide its periods")
struct EnrolmentScheduleTests {
    @Test("the stored change day and cycle give the schedule; the defaults are the lab's standard cycle")
    func enrolmentSchedule() {
        for type in DosimeterType.allCases {
            for length in type.periodLengths {
                let e = Enrolment(wearerID: .init(rawValue: 1), customerID: "K-1", dosimeterType: type, periodLength: length,
                                  startDate: day("2027-01-01"), orderedOn: day("2027-01-01"))
                #expect(e.schedule == PeriodSchedule.standard(for: type, length: length), "\(type) \(length)")
            }
        }
        let e = Enrolment(wearerID: .init(rawValue: 1), customerID: "K-1", dosimeterType: .wholeBody, periodLength: .threeMonths,
                          startDate: day("2027-01-01"), orderedOn: day("2027-01-01"), changeDay: 1, cycleMonth: 2)
        #expect(e.schedule.period(containing: day("2027-03-10")) == WearPeriod(start: day("2027-02-01"), end: day("2027-04-30")))
    }

    @Test("reissue and the first dispatch follow the stored cycle, not the standard one")
    func reissueUsesStoredCycle() {
        let e = Enrolment(wearerID: .init(rawValue: 1), customerID: "K-1", dosimeterType: .wholeBody, periodLength: .threeMonths,
                          startDate: day("2027-02-01"), orderedOn: day("2027-01-10"), changeDay: 1, cycleMonth: 2)
        let periods = Reissue.periodsToSend(enrolment: e, issued: [], dispatchDay: day("2027-01-25"))
        #expect(periods.first == WearPeriod(start: day("2027-02-01"), end: day("2027-04-30")))
    }
}
