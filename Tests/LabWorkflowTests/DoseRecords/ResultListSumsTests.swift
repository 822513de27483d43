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

    /// A result list of the fixture's cycle (all doses released), whose lines' printed type names are
    /// replaced by ones no ``DosimeterType/displayName`` matches (a translated list, say).
    static func renamedList() throws -> (WorkflowFixture, ResultList) {
        let (f, _) = try DoseAssignmentTests.lab()
        var list = try ReportBuilder(store: f.store, protector: f.protector).resultList(
            customerID: "K-1001", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2026-11-20"))
        for i in list.rows.indices {
            list.rows[i].dosimeterType = "Dosimeter \(i)"
            list.rows[i].sums = nil
        }
        return (f, list)
    }

    @Test("each line is summed by its enrolment's typed dosimeter type, even when the printed type name matches none")
    func typeFromEnrolment() throws {
        let (f, list) = try Self.renamedList()
        var annotated = list
        try ResultListSums(store: f.store).annotate(&annotated, customerID: "K-1001")
        let finger = try #require(annotated.rows.first { $0.cardID == f.fingerCards[0] })
        let body = try #require(annotated.rows.first { $0.wearerName == finger.wearerName && $0.cardID != finger.cardID })
        #expect(finger.dosimeterType.hasPrefix("Dosimeter ") && DosimeterType.allCases.allSatisfy { $0.displayName != finger.dosimeterType })
        // Finger line: no Hp(10); Hp(0.07) is the finger card's own, not the whole-body card's.
        let fingerSums = try #require(finger.sums)
        #expect(fingerSums.year == 2026 && fingerSums.yearToDate.hp10MilliSievert == nil)
        #expect(Self.close(fingerSums.yearToDate.hp007MilliSievert, try #require(finger.hp007MilliSievert)))
        #expect(Self.close(fingerSums.lifetime.hp007MilliSievert, try #require(finger.hp007MilliSievert)))
        // Whole-body line of the same person: Hp(10) and Hp(0.07) of the whole-body card only.
        let bodySums = try #require(body.sums)
        #expect(Self.close(bodySums.yearToDate.hp10MilliSievert, try #require(body.hp10MilliSievert)))
        #expect(Self.close(bodySums.lifetime.hp007MilliSievert, try #require(body.hp007MilliSievert)))
        // Every enrolled line has its sums; the same as the list built with the real names.
        #expect(annotated.rows.allSatisfy { $0.enrolmentNumber.isEmpty || $0.sums != nil })
        let built = try ReportBuilder(store: f.store, protector: f.protector).resultList(
            customerID: "K-1001", from: Self.day("2026-10-01"), to: Self.day("2026-10-31"), today: Self.day("2026-11-20"))
        #expect(annotated.rows.map(\.sums) == built.rows.map(\.sums))
    }

    @Test("a line of a person known by name only has no sums; a line naming another customer's enrolment fails the run, with the card and enrolment named")
    func unknownEnrolment() throws {
        let (f, list) = try Self.renamedList()
        var byName = list
        byName.rows[0].enrolmentNumber = ""
        try ResultListSums(store: f.store).annotate(&byName, customerID: "K-1001")
        #expect(byName.rows[0].sums == nil && byName.rows.dropFirst().allSatisfy { $0.sums != nil })

        let foreign = try #require(try f.store.enrolments(customerID: "K-2002").first?.number)
        var wrong = list
        wrong.rows[0].enrolmentNumber = foreign
        #expect(throws: ResultListSums.Failure.unknownEnrolment(enrolmentNumber: foreign, cardID: list.rows[0].cardID)) {
            try ResultListSums(store: f.store).annotate(&wrong, customerID: "K-1001")
        }
        #expect(ResultListSums.Failure.unknownEnrolment(enrolmentNumber: foreign, cardID: "W101").description.contains("card W101 names enrolment \(foreign)"))
    }
}
