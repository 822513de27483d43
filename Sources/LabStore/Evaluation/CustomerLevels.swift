import Foundation
import GRDB

/// A customer's monitoring levels from a day on: the `customerLevels` table (history by `validFrom`;
/// DOMAIN.md §4: levels are configuration per customer, not constants).
public struct CustomerLevels: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customerLevels"

    public var customerID: String
    public var validFrom: CalendarDay
    /// A dose above this goes to the physicist for review (mSv per period).
    public var reviewMilliSievert: Double
    /// A dose above this is one to report to the authority (mSv per period); it goes to review with
    /// the reason "above report level".
    public var reportMilliSievert: Double
    public var setAt: Date

    public init(customerID: String, validFrom: CalendarDay, reviewMilliSievert: Double, reportMilliSievert: Double, setAt: Date) {
        self.customerID = customerID
        self.validFrom = validFrom
        self.reviewMilliSievert = reviewMilliSievert
        self.reportMilliSievert = reportMilliSievert
        self.setAt = setAt
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
