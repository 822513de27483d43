import RealModule

/// Signal fading between anneal and readout, as a factor F ≤ 1 (reading = F × unfaded reading).
public enum FadingModel: Sendable, Hashable, Codable {
    /// F = exp[−k·(t/2 − t_ref)], t = days from anneal to readout, assuming on average an exposure in the
    /// middle of the period and a calibration read t_ref days after its irradiation. The LiF:Mg,Ti reader
    /// algorithm default is k = 0.00331 /day, t_ref = 8 days (calibration at 8 + 8 days); see
    /// docs/dose-algorithm.md and ../shared/notes/tl-physics.md (Harshaw/Thermo reader algorithms).
    case exponentialMidPeriod(ratePerDay: Double, referenceDays: Double)
    /// No fading correction.
    case none

    public static let lifMgTiDefault = FadingModel.exponentialMidPeriod(ratePerDay: 0.00331, referenceDays: 8)

    public func factor(daysFromAnnealToReadout t: Days) -> Double {
        switch self {
        case let .exponentialMidPeriod(k, ref): Double.exp(-k * (t.value / 2 - ref))
        case .none: 1
        }
    }
}
