import Foundation

/// A customer's monitoring levels from a day on: the `customerLevels` table (history by `validFrom`;
/// DOMAIN.md §4: levels are configuration per customer, not constants).
public struct CustomerLevels: Sendable, Hashable, Codable {
    public var customerID: String
    public var validFrom: CalendarDay
    /// A dose above this goes to the physicist for review (mSv per period).
    public var reviewMilliSievert: Double
    /// A dose above this is one to report to the authority (mSv per period); it goes to review with
    /// the reason "above report level".
    public var reportMilliSievert: Double
    public var setAt: Date
    // The monitoring levels of the Czech programme (seeds/003 section 5 b, in E; Hp(10) is taken as E
    // below the investigation level). Defaults are the programme's example for a small X-ray workplace.
    /// Recording level per 3 months: the dose is recorded and kept (seeds/003 section 6); no case.
    public var recordingQuarterMilliSievert: Double
    public var investigationQuarterMilliSievert: Double
    public var interventionQuarterMilliSievert: Double
    public var investigationYearMilliSievert: Double
    public var interventionYearMilliSievert: Double
    /// The dose constraint (DOM, "dávková optimalizační mez") per calendar year.
    public var doseConstraintYearMilliSievert: Double
    /// Who set the levels ("" for rows set before v10-cases).
    public var setBy: String

    public init(customerID: String, validFrom: CalendarDay, reviewMilliSievert: Double, reportMilliSievert: Double, setAt: Date,
                recordingQuarterMilliSievert: Double = 0.125, investigationQuarterMilliSievert: Double = 0.5,
                interventionQuarterMilliSievert: Double = 3, investigationYearMilliSievert: Double = 1,
                interventionYearMilliSievert: Double = 6, doseConstraintYearMilliSievert: Double = 1, setBy: String = "") {
        self.customerID = customerID
        self.validFrom = validFrom
        self.reviewMilliSievert = reviewMilliSievert
        self.reportMilliSievert = reportMilliSievert
        self.setAt = setAt
        self.recordingQuarterMilliSievert = recordingQuarterMilliSievert
        self.investigationQuarterMilliSievert = investigationQuarterMilliSievert
        self.interventionQuarterMilliSievert = interventionQuarterMilliSievert
        self.investigationYearMilliSievert = investigationYearMilliSievert
        self.interventionYearMilliSievert = interventionYearMilliSievert
        self.doseConstraintYearMilliSievert = doseConstraintYearMilliSievert
        self.setBy = setBy
    }

    /// The monitoring levels by name, for checks and listings.
    public var monitoringLevels: [(name: String, milliSievert: Double)] {
        [("recording per 3 months", recordingQuarterMilliSievert), ("investigation per 3 months", investigationQuarterMilliSievert),
         ("intervention per 3 months", interventionQuarterMilliSievert), ("investigation per year", investigationYearMilliSievert),
         ("intervention per year", interventionYearMilliSievert), ("dose constraint per year", doseConstraintYearMilliSievert)]
    }

    /// The lab's levels where a customer has set none: review above 1 mSv (the lab's review level
    /// so far), report above 10 mSv per monitoring period (DOMAIN.md §4, the Czech seed's regulator level).
    public static let defaultReviewMilliSievert = 1.0
    public static let defaultReportMilliSievert = 10.0

    public static func defaults(customerID: String) -> CustomerLevels {
        CustomerLevels(
            customerID: customerID, validFrom: CalendarDay(daysSinceEpoch: 0), reviewMilliSievert: defaultReviewMilliSievert,
            reportMilliSievert: defaultReportMilliSievert, setAt: Date(timeIntervalSince1970: 0))
    }
}
