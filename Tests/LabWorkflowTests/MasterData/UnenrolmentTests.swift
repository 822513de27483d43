import Foundation
import LabStore
import LabStoreSQLite
import Testing
@testable import LabWorkflow

@Suite("Unenrolment: the deadline rule of DOMAIN.md §2 and the name check")
struct UnenrolmentTests {
    static let monthlyOn1st = PeriodSchedule(length: .oneMonth, startDay: 1)
    static let monthlyOn15th = PeriodSchedule(length: .oneMonth, startDay: 15)
    static let quarterlyOn15th = PeriodSchedule(length: .threeMonths, startDay: 15, cycleMonth: 1)
    static let twoWeeks = PeriodSchedule(length: .twoWeeks)

    @Test("cards changed on the 1st: the notice is due by the 15th of the previous month", arguments: [
        ("2027-02-10", "2027-02-28", 0),  // before the deadline
        ("2027-02-15", "2027-02-28", 0),  // on the deadline: in time
        ("2027-02-16", "2027-03-31", 1),  // a day late: one more card
        ("2027-02-20", "2027-03-31", 1),
    ])
    func changedOnThe1st(received: String, end: String, extra: Int) {
        let d = Unenrolment.decide(schedule: Self.monthlyOn1st, wantedLastDay: day("2027-02-28"), receivedOn: day(received))
        #expect(d.effectiveEnd == day(end))
        #expect(d.extraPeriods.count == extra)
    }

    @Test("the message tells the effective end", arguments: [0, 1])
    func message(late: Int) {
        let d = Unenrolment.decide(schedule: Self.monthlyOn1st, wantedLastDay: day("2027-02-28"),
                                   receivedOn: day(late == 1 ? "2027-02-20" : "2027-02-10"))
        if late == 1 {
            #expect(d.message == "received 2027-02-20, after the deadline 2027-02-15 for the period starting 2027-03-01: the enrolment ends 2027-03-31, one more card is sent")
        } else {
            #expect(d.message == "received 2027-02-10, by the deadline 2027-02-15 for the period starting 2027-03-01: the enrolment ends 2027-02-28, no card is sent for that period")
        }
    }

    @Test("cards changed on the 15th: the notice is due by the 1st of the month", arguments: [
        ("2027-03-01", "2027-03-14", 0),
        ("2027-03-02", "2027-04-14", 1),
    ])
    func changedOnThe15th(received: String, end: String, extra: Int) {
        // Wanted last day 2027-03-10 lies in the period 2027-02-15…2027-03-14; the next starts 2027-03-15.
        let d = Unenrolment.decide(schedule: Self.monthlyOn15th, wantedLastDay: day("2027-03-10"), receivedOn: day(received))
        #expect(d.effectiveEnd == day(end))
        #expect(d.extraPeriods.count == extra)
    }

    @Test("3-month cards on 15 Jan/Apr/Jul/Oct: the whole quarter is kept, and the next one when late")
    func quarterly() {
        let inTime = Unenrolment.decide(schedule: Self.quarterlyOn15th, wantedLastDay: day("2027-02-01"), receivedOn: day("2027-04-01"))
        #expect(inTime.effectiveEnd == day("2027-04-14") && inTime.extraPeriods.isEmpty)
        let late = Unenrolment.decide(schedule: Self.quarterlyOn15th, wantedLastDay: day("2027-02-01"), receivedOn: day("2027-04-02"))
        #expect(late.effectiveEnd == day("2027-07-14") && late.extraPeriods.map(\.start) == [day("2027-04-15")])
    }

    @Test("2-week finger cards: the 15th's period is due by the 1st, the 1st's by the 15th before")
    func twoWeekPeriods() {
        let late = Unenrolment.decide(schedule: Self.twoWeeks, wantedLastDay: day("2027-03-10"), receivedOn: day("2027-03-02"))
        #expect(late.effectiveEnd == day("2027-03-31") && late.extraPeriods.count == 1)
        let inTime = Unenrolment.decide(schedule: Self.twoWeeks, wantedLastDay: day("2027-03-20"), receivedOn: day("2027-03-15"))
        #expect(inTime.effectiveEnd == day("2027-03-31") && inTime.extraPeriods.isEmpty)
    }

    @Test("a notice months late keeps every period whose deadline it missed")
    func veryLate() {
        let d = Unenrolment.decide(schedule: Self.monthlyOn1st, wantedLastDay: day("2027-01-31"), receivedOn: day("2027-03-20"))
        #expect(d.effectiveEnd == day("2027-04-30"))
        #expect(d.extraPeriods.count == 3 && d.message.contains("3 more cards are sent"))
    }

    @Test("names: order with a comma, case and spaces do not matter; letters do")
    func names() {
        #expect(Unenrolment.sameName("Mette Jensen", "Jensen, Mette"))
        #expect(Unenrolment.sameName("  jensen,  METTE ", "Jensen, Mette"))
        #expect(Unenrolment.sameName("Søren Ørum", "Ørum, Søren"))
        #expect(!Unenrolment.sameName("Mete Jensen", "Jensen, Mette"))
        #expect(!Unenrolment.sameName("Soren Orum", "Ørum, Søren"))
        #expect(!Unenrolment.sameName("", "Jensen, Mette"))
    }

    @Test("in the store: a wrong name is refused and nothing changes; the right name sets the end date")
    func applyToStore() throws {
        let store = try SQLiteLabStore.inMemory(logger: WorkflowFixture.logger)
        let protector = try NationalIDProtector(masterKey: Data(repeating: 0x33, count: 32))
        _ = try store.addCustomer(Customer(id: "", name: "Testklinik", deliveryAddress: "Ågade 1"))
        let w = try store.addWearer(customerID: "K-1001", name: "Jensen, Mette", nationalID: try protector.protect("010180-1234"), birthDate: nil)
        let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: "K-1001", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                          startDate: day("2027-01-01"), orderedOn: day("2026-12-01")))
        #expect(throws: UnenrolmentError.nameMismatch(number: e.number)) {
            _ = try Unenrolment.apply(number: e.number, name: "Hansen, Mette", wantedLastDay: day("2027-02-28"),
                                      receivedOn: day("2027-02-20"), store: store)
        }
        #expect(try store.enrolment(number: e.number)?.endDate == nil)
        #expect(throws: UnenrolmentError.noSuchEnrolment("TILM-99999999")) {
            _ = try Unenrolment.apply(number: "TILM-99999999", name: "Jensen, Mette", wantedLastDay: day("2027-02-28"),
                                      receivedOn: day("2027-02-20"), store: store)
        }
        let (ended, decision) = try Unenrolment.apply(number: e.number, name: "Mette Jensen", wantedLastDay: day("2027-02-28"),
                                                      receivedOn: day("2027-02-20"), store: store)
        #expect(ended.endDate == day("2027-03-31") && decision.extraPeriods.count == 1)
        #expect(try store.enrolment(number: e.number)?.endDate == day("2027-03-31"))
    }
}
