/// Which monitoring level a case is about, and over which span the dose is summed.
///
/// Levels per 3 months and per calendar year are the customer's (``CustomerLevels``; defaults from the
/// Czech monitoring programme, seeds/003 section 5 b). The two notifiable kinds are the regulator's
/// fixed thresholds (seeds/003 section 8): Hp(10) above 10 mSv in one monitoring period, and above
/// 15 mSv summed over the periods of a calendar year, "also during the year".
public enum CaseKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case investigationQuarter = "investigation-quarter"
    case interventionQuarter = "intervention-quarter"
    case investigationYear = "investigation-year"
    case interventionYear = "intervention-year"
    case doseConstraintYear = "dose-constraint-year"
    case notifiablePeriod = "notifiable-period"
    case notifiableYear = "notifiable-year"

    /// The span a case's dose is summed over.
    public enum Span: Sendable, Hashable { case period, quarter, year }

    public var span: Span {
        switch self {
        case .notifiablePeriod: .period
        case .investigationQuarter, .interventionQuarter: .quarter
        case .investigationYear, .interventionYear, .doseConstraintYear, .notifiableYear: .year
        }
    }

    /// Whether the authority must be told without delay (seeds/003 section 8).
    public var isNotifiable: Bool { self == .notifiablePeriod || self == .notifiableYear }

    /// Hp(10) above 10 mSv in one monitoring period is reported to the authority (seeds/003 section 8).
    public static let notifiablePeriodMilliSievert = 10.0
    /// Hp(10) above 15 mSv summed over a calendar year is reported to the authority (seeds/003 section 8).
    public static let notifiableYearMilliSievert = 15.0

    /// The level this kind compares with, from the customer's levels.
    public func level(_ levels: CustomerLevels) -> Double {
        switch self {
        case .investigationQuarter: levels.investigationQuarterMilliSievert
        case .interventionQuarter: levels.interventionQuarterMilliSievert
        case .investigationYear: levels.investigationYearMilliSievert
        case .interventionYear: levels.interventionYearMilliSievert
        case .doseConstraintYear: levels.doseConstraintYearMilliSievert
        case .notifiablePeriod: Self.notifiablePeriodMilliSievert
        case .notifiableYear: Self.notifiableYearMilliSievert
        }
    }

    public var description: String {
        switch self {
        case .investigationQuarter: "investigation level per 3 months"
        case .interventionQuarter: "intervention level per 3 months"
        case .investigationYear: "investigation level per calendar year"
        case .interventionYear: "intervention level per calendar year"
        case .doseConstraintYear: "dose constraint per calendar year"
        case .notifiablePeriod: "Hp(10) above 10 mSv in one period: notify the authority"
        case .notifiableYear: "Hp(10) above 15 mSv in a calendar year: notify the authority"
        }
    }

    /// Days from the day a case opens to its deadline. A notification is due the same day: the
    /// regulator is told "without delay" (seeds/003 section 8, "neprodleně"), and the Danish service
    /// sends the separate letter with the result (seeds/004, "Forsendelsesform"). The programme gives no
    /// deadline for an investigation; the lab's is one month, the time the service allows itself for a
    /// result (seeds/004, "senest en måned efter måleperiodens afslutning"), so an investigation is
    /// finished before the next period's result. docs/levels-and-cases.md.
    public var deadlineDays: Int { isNotifiable ? 0 : 30 }
}
