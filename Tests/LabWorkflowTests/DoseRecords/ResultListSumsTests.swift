import Foundation
import LabReports
import LabStore
import Testing
@testable import LabWorkflow

/// Result list v2: the year-to-date and lifetime sums printed on each line (docs/dose-records.md).
@Suite("Result list v2: year-to-date and lifetime sums per line")
struct ResultListSumsTests {
    static func day(_ s: String) -> CalendarDay { (try? CalendarDay(parsing: s)) ?? CalendarDay(daysSinceEpoch: 0) }

    static func period(_ end: String, _ status: DoseRecordStatus, hp10: Double? = nil, hp007: Double? = nil,
                       type: DosimeterType = .wholeBody, customer: String = "K-1001") -> DoseRecordPeriod {
        let endDay = day(end)
        return DoseRecordPeriod(issueID: .init(rawValue: 1), customerID: customer, wearerID: .init(rawValue: 1), enrolmentNumber: "TILM-00000001",
                                dosimeterType: type, cardID: "1", periodStart: endDay.firstOfMonth, periodEnd: endDay, status: status,
                                hp10MilliSievert: hp10, hp007MilliSievert: hp007, detectionLimitMilliSievert: 0.05)
    }

    static let record = [
        period("2026-12-31", .measured, hp10: 1.0, hp007: 0.9),                       // last year: lifetime only
        period("2027-01-31", .measured, hp10: 0.5, hp007: 0.6),
        period("2027-01-31", .measured, hp10: 0.2, hp007: 0.25, type: .neutron, customer: "K-1002"), // another customer
        period("2027-01-31", .measured, hp007: 3.0, type: .finger),
        period("2027-02-28", .belowDetectionLimit, hp10: 0.03, hp007: 0.04),           // counts 0
        period("2027-02-28", .handedOver),                                              // someone else's dose
        period("2027-03-31", .assigned, hp10: 0.3),                                     // counts, marked
        period("2027-03-31", .measured, hp10: 0.7, hp007: 0.8, type: .shoulder),        // a second body card: own sums
        period("2027-04-30", .notReturned),                                             // open: a lower bound
        period("2027-05-31", .measured, hp10: 2.0, hp007: 2.0),                         // after the line's period
    ]

    static func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

    @Test("whole-body line: Hp(10) is whole-body + neutron at every customer, <DL counts 0, assigned counts and is marked, later periods do not count")
    func wholeBody() {
        let s = ResultListSums.sums(Self.record, type: .wholeBody, through: Self.day("2027-03-31"))
        #expect(s.year == 2027)
        #expect(Self.close(s.yearToDate.hp10MilliSievert, 0.5 + 0.2 + 0 + 0.3))
        #expect(Self.close(s.yearToDate.hp007MilliSievert, 0.6))
        #expect(s.yearToDate.includesAssigned && s.yearToDate.openPeriods == 0)
        #expect(Self.close(s.lifetime.hp10MilliSievert, 1.0 + 1.0))
        #expect(Self.close(s.lifetime.hp007MilliSievert, 0.9 + 0.6))
        #expect(s.yearToDate.printed(s.yearToDate.hp10MilliSievert) == "1.00*")
        // The same line a month later: the card not back makes the sums lower bounds.
        let april = ResultListSums.sums(Self.record, type: .wholeBody, through: Self.day("2027-04-30"))
        #expect(april.yearToDate.openPeriods == 1 && april.lifetime.printed(april.lifetime.hp10MilliSievert) == "2.00*+")
        #expect(april.lifetime.note == "includes an assigned dose, 1 open period")
    }

    @Test("finger and shoulder lines sum their own type; the year restarts on 1 January")
    func otherTypes() {
        let finger = ResultListSums.sums(Self.record, type: .finger, through: Self.day("2027-03-31"))
        #expect(finger.yearToDate.hp10MilliSievert == nil && Self.close(finger.yearToDate.hp007MilliSievert, 3.0))
        #expect(!finger.yearToDate.includesAssigned && finger.yearToDate.printed(nil) == "—")
        let shoulder = ResultListSums.sums(Self.record, type: .shoulder, through: Self.day("2027-03-31"))
        #expect(Self.close(shoulder.yearToDate.hp10MilliSievert, 0.7) && Self.close(shoulder.lifetime.hp007MilliSievert, 0.8))
        let december = ResultListSums.sums(Self.record, type: .wholeBody, through: Self.day("2026-12-31"))
        #expect(december.year == 2026 && Self.close(december.yearToDate.hp10MilliSievert, 1.0) && Self.close(december.lifetime.hp10MilliSievert, 1.0))
    }

    @Test("the sums go into the CSV after column 9, which stay as before")
    func csvColumns() {
        let sums = ResultListSums.sums(Self.record, type: .wholeBody, through: Self.day("2027-03-31"))
        let row = ResultList.Row(wearerName: "Berg, Bo", nationalIDFirst4: "0101", enrolmentNumber: "TILM-00000001", dosimeterType: "whole-body",
                                 cardID: "10000016", periodStart: "2027-03-01", periodEnd: "2027-03-31", hp10MilliSievert: 0.3,
                                 hp007MilliSievert: nil, detectionLimitMilliSievert: nil, status: "assigned", remarks: ["ASSIGNED dose"], sums: sums)
        let lines = ResultList(customerNumber: "K-1001", customerName: "X", periodLabel: "p", rows: [row]).csv().components(separatedBy: "\r\n")
        #expect(lines[0] == "customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,"
            + "sums_year,ytd_hp10_msv,ytd_hp007_msv,lifetime_hp10_msv,lifetime_hp007_msv,sums_remarks")
        #expect(lines[1] == "K-1001,\"Berg, Bo\",TILM-00000001,10000016,2027-03-01,2027-03-31,0.3000,,assigned,ASSIGNED dose,"
            + "2027,1.0000,0.6000,2.0000,1.5000,year to date: includes an assigned dose; lifetime: includes an assigned dose")
    }
}
