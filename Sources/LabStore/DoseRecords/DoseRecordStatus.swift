/// What a period of a person's dose record holds (docs/dose-records.md).
public enum DoseRecordStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A released dose at or above the detection limit.
    case measured
    /// A released dose below the detection limit: shown as "<DL", counted as 0 in the sums.
    case belowDetectionLimit
    /// No measured dose: a dose assigned by a physicist (a colleague's, or notional), marked as such.
    case assigned
    /// The dosimeter has not come back (yet), and no dose is assigned.
    case notReturned
    /// The person's card was worn by someone else: the dose is on that person's record.
    case handedOver
    /// Returned, but its dose is not released yet (not read, under review).
    case pending
    /// Read, but without a valid result (rejected on review, no stored element), and no dose assigned.
    case noValidResult

    /// Counted in the sums with its value (a dose below the detection limit counts as 0).
    public var hasDose: Bool { self == .measured || self == .assigned }

    /// A period whose dose is still missing from the sums: the sum is a lower bound until it is resolved.
    public var isOpen: Bool { self == .notReturned || self == .pending || self == .noValidResult }

    /// As printed on lists.
    public var label: String {
        switch self {
        case .measured: "measured"
        case .belowDetectionLimit: "below detection limit"
        case .assigned: "assigned"
        case .notReturned: "not returned"
        case .handedOver: "handed over"
        case .pending: "pending"
        case .noValidResult: "no valid result"
        }
    }
}
