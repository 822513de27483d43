/// The dosimeter types the lab offers (DOMAIN.md §1), with the period lengths each may have.
public enum DosimeterType: String, Sendable, Hashable, Codable, CaseIterable {
    case wholeBody
    case finger
    case neutron
    case shoulder

    /// Period lengths offered for this type (DOMAIN.md §1 table).
    public var periodLengths: [PeriodLength] {
        switch self {
        case .wholeBody, .neutron: [.oneMonth, .threeMonths]
        case .finger: [.twoWeeks, .oneMonth]
        case .shoulder: [.oneMonth]
        }
    }

    /// Name printed on packing slips and result lists.
    public var displayName: String {
        switch self {
        case .wholeBody: "whole-body"
        case .finger: "finger (extremity)"
        case .neutron: "neutron"
        case .shoulder: "shoulder"
        }
    }
}

/// How long a wear period is (DOMAIN.md §1).
public enum PeriodLength: String, Sendable, Hashable, Codable, CaseIterable {
    /// 1st–14th and 15th–last day of the month (finger dosimeters).
    case twoWeeks
    case oneMonth
    case threeMonths

    /// Length in months (0 for two weeks).
    public var months: Int {
        switch self {
        case .twoWeeks: 0
        case .oneMonth: 1
        case .threeMonths: 3
        }
    }
}
