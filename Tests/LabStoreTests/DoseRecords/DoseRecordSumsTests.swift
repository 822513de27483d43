import Foundation
import Testing
@testable import LabStore

@Suite("Dose record sums: quarter, year, five years, lifetime")
struct DoseRecordSumsTests {
    static func day(_ s: String) -> CalendarDay { RecordSamples.day(s) }

    static func period(_ start: String, _ end: String, _ status: DoseRecordStatus, hp10: Double? = nil, hp007: Double? = nil,
                       dl: Double? = 0.05, type: DosimeterType = .wholeBody, id: Int64 = 1) -> DoseRecordPeriod {
        DoseRecordPeriod(issueID: .init(rawValue: id), customerID: "K-1001", wearerID: .init(rawValue: 1), enrolmentNumber: "TILM-00000001",
                         dosimeterType: type, cardID: "1", periodStart: day(start), periodEnd: day(end), status: status,
                         hp10MilliSievert: hp10, hp007MilliSievert: hp007, detectionLimitMilliSievert: dl)
    }

    @Test("a period counts in the quarter and year it ends in; <DL counts 0; assigned counts; open periods are counted as open")
    func windows() {
        let periods = [
            Self.period("2026-10-15", "2027-01-14", .measured, hp10: 1.0, hp007: 1.1),            // ends in 2027-Q1
            Self.period("2027-01-15", "2027-04-14", .belowDetectionLimit, hp10: 0.03, hp007: 0.04), // 2027-Q2, counts 0
            Self.period("2027-04-15", "2027-07-14", .assigned, hp10: 0.5, hp007: 0.5, dl: nil),     // 2027-Q3
            Self.period("2027-07-15", "2027-10-14", .notReturned),                                  // 2027-Q4, open
            Self.period("2027-10-15", "2028-01-14", .measured, hp10: 2.0, hp007: 2.0),            // 2028-Q1
            Self.period("2027-01-01", "2027-01-31", .measured, hp10: nil, hp007: 3.0, type: .finger),
            Self.period("2027-02-01", "2027-02-28", .handedOver),                                   // someone else's dose
            Self.period("2022-01-01", "2022-12-31", .measured, hp10: 4.0, hp007: 4.0),            // outside the 5 years of 2027
        ]
        let q1 = DoseRecordSums.summary(periods, window: .quarter(.init(year: 2027, quarter: 1)))
        #expect(q1.personalHp10MilliSievert == 1.0)
        #expect(q1.byType[.finger]?.hp007MilliSievert == 3.0)
        #expect(q1.byType[.finger]?.hp10MilliSievert == 0)
        #expect(q1.byType[.wholeBody]?.periods == 1)
        let q2 = DoseRecordSums.summary(periods, window: .quarter(.init(year: 2027, quarter: 2)))
        #expect(q2.personalHp10MilliSievert == 0)
        #expect(q2.byType[.wholeBody]?.belowDetectionLimit == 1)
        let year = DoseRecordSums.summary(periods, window: .year(2027))
        #expect(abs(year.personalHp10MilliSievert - 1.5) < 1e-12)
        #expect(year.byType[.wholeBody]?.assigned == 1)
        #expect(year.open == 1)
        #expect(year.byType[.wholeBody]?.periods == 4)   // the handed-over period is not counted
        let five = DoseRecordSums.summary(periods, window: .fiveYears(endingWith: 2027))
        #expect(abs(five.personalHp10MilliSievert - 1.5) < 1e-12)   // 2022 is outside 2023–2027
        let five2026 = DoseRecordSums.summary(periods, window: .fiveYears(endingWith: 2026))
        #expect(five2026.personalHp10MilliSievert == 4.0)
        let life = DoseRecordSums.summary(periods, window: .lifetime)
        #expect(abs(life.personalHp10MilliSievert - 7.5) < 1e-12)
        #expect(DoseRecordSums.years(periods).map(\.window) == [.year(2022), .year(2027), .year(2028)])
        #expect(DoseRecordSums.quarters(periods).count == 6)
        #expect(abs(DoseRecordSums.personalHp10(periods, from: Self.day("2027-01-01"), through: Self.day("2027-07-14")) - 1.5) < 1e-12)
        #expect(DoseRecordSums.personalHp10(periods, from: Self.day("2027-01-01"), through: Self.day("2027-07-13")) == 1.0)
    }

    @Test("shoulder cards are summed on their own, not into the personal Hp(10); neutron cards are")
    func types() {
        let periods = [
            Self.period("2027-01-01", "2027-01-31", .measured, hp10: 1.0, type: .wholeBody),
            Self.period("2027-01-01", "2027-01-31", .measured, hp10: 0.7, type: .shoulder),
            Self.period("2027-01-01", "2027-01-31", .measured, hp10: 0.2, type: .neutron),
        ]
        let s = DoseRecordSums.summary(periods, window: .year(2027))
        #expect(abs(s.personalHp10MilliSievert - 1.2) < 1e-12)
        #expect(s.byType[.shoulder]?.hp10MilliSievert == 0.7)
    }

    @Test("a released dose's status: below the limit of the reported quantity, no valid result without a value")
    func releasedStatus() {
        #expect(DoseRecordPeriod.releasedStatus(type: .wholeBody, hp10: 0.04, hp007: 0.2, detectionLimit: 0.05) == .belowDetectionLimit)
        #expect(DoseRecordPeriod.releasedStatus(type: .wholeBody, hp10: 0.05, hp007: 0.2, detectionLimit: 0.05) == .measured)
        #expect(DoseRecordPeriod.releasedStatus(type: .finger, hp10: nil, hp007: 0.2, detectionLimit: 0.05) == .measured)
        #expect(DoseRecordPeriod.releasedStatus(type: .finger, hp10: nil, hp007: 0.01, detectionLimit: 0.05) == .belowDetectionLimit)
        #expect(DoseRecordPeriod.releasedStatus(type: .wholeBody, hp10: nil, hp007: nil, detectionLimit: 0.05) == .noValidResult)
        #expect(DoseRecordPeriod.releasedStatus(type: .wholeBody, hp10: 0.3, hp007: nil, detectionLimit: nil) == .measured)
    }
}
