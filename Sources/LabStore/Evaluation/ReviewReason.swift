/// Why a dose was sent to the physicist instead of straight to `evaluated`. Stored as the stable
/// code (`rawValue`) with the dose, so `tld review` can say why each dose is there.
public enum ReviewReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// Quality flags of the glow curves or the dose algorithm (lost element, out of pattern, …).
    case qualityFlags = "quality-flags"
    /// The reported dose is above the customer's review level.
    case aboveReviewLevel = "above-review-level"
    /// The reported dose is above the customer's per-period report level (DOMAIN.md §4: Hp(10) > 10 mSv
    /// in one monitoring period is reported to the regulator without delay).
    case aboveReportLevel = "above-report-level"
    /// The card was damaged on arrival and read with manual QA.
    case damagedOnArrival = "damaged-on-arrival"
    /// The lab did not expect the card (not on an open issue that was returned or inspected).
    case unexpectedCard = "unexpected-card"
    /// A neutron card: the neutron algorithm is not available, so no photon dose is reported for it.
    case neutronNotEvaluated = "neutron-not-evaluated"

    /// What the physicist reads.
    public var description: String {
        switch self {
        case .qualityFlags: "quality flags"
        case .aboveReviewLevel: "above review level"
        case .aboveReportLevel: "above report level"
        case .damagedOnArrival: "damaged on arrival (manual QA)"
        case .unexpectedCard: "unexpected card"
        case .neutronNotEvaluated: "neutron card not evaluated"
        }
    }
}
