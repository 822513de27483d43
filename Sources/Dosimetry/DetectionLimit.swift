/// The decision threshold and detection limit of a card's Hp(10), after ISO 11929 (characteristic
/// limits; the same construction as L. A. Currie, Anal. Chem. 40 (1968) 586):
///
///   decision threshold  H* = k₁₋α · ũ(0)
///   detection limit     H# = H* + k₁₋β · ũ(H#),   ũ²(H) = ũ²(0) + u_rel²·H²
///
/// which with k₁₋α = k₁₋β = k solves in closed form to H# = 2·H* / (1 − k²·u_rel²).
///
/// ũ(0), the standard uncertainty of the net dose of a card that received no dose, comes from the
/// shipment's control dosimeters: such a card reads like a control, and the mean of n controls is
/// subtracted from it, so ũ²(0) = (t·s)²·(1 + 1/n) with s the standard deviation of the controls'
/// background rates and t the card's days since anneal. The limit therefore grows with the period
/// length, as the background and its scatter accumulate. It is never taken below the reading noise of
/// the algorithm (an element's absolute noise, ``DoseAlgorithm/readingNoise``), which stands for the
/// counting and dark-current noise that a few agreeing controls can understate.
///
/// With fewer than ``minimumControls`` controls the scatter is not known well enough and the limits
/// of service practice by period length are used instead: 0.03 / 0.04 / 0.08 mSv for 2-week /
/// 4-week / 3-month periods (../shared/notes/tl-physics.md).
public struct DetectionLimit: Sendable, Hashable {
    public enum Basis: Sendable, Hashable {
        /// From the scatter of this many control dosimeters.
        case controls(count: Int)
        /// From the service-practice table by period length.
        case periodLength
    }

    public var decisionThreshold: MilliSievert
    public var limit: MilliSievert
    public var basis: Basis

    /// k₁₋α = k₁₋β for α = β = 5 % (one-sided normal quantile), as ISO 11929 recommends by default.
    public static let coverageFactor = 1.645
    /// Controls needed before their standard deviation is used.
    public static let minimumControls = 3

    public init(decisionThreshold: MilliSievert, limit: MilliSievert, basis: Basis) {
        self.decisionThreshold = decisionThreshold
        self.limit = limit
        self.basis = basis
    }

    /// The service-practice limits by period length (days from anneal to readout).
    public static func periodTable(daysFromAnneal: Days) -> DetectionLimit {
        let limit: Double = switch daysFromAnneal.value {
        case ..<21: 0.03
        case ..<46: 0.04
        default: 0.08
        }
        return DetectionLimit(decisionThreshold: MilliSievert(limit / 2), limit: MilliSievert(limit), basis: .periodLength)
    }

    /// The characteristic limits for a card read `daysFromAnneal` after its anneal.
    /// - Parameters:
    ///   - background: the shipment's control-dosimeter background; nil or too few controls → table.
    ///   - readingNoise: absolute noise of one element reading (1σ), the lower bound of ũ(0).
    ///   - relativeUncertainty: u_rel of a net dose well above the limit (calibration, reproducibility,
    ///     fading); must satisfy k·u_rel < 1.
    public static func characteristic(
        daysFromAnneal: Days, background: BackgroundEstimate?, readingNoise: MilliSievert, relativeUncertainty: Double
    ) -> DetectionLimit {
        guard let b = background, b.controlCount >= minimumControls, let s = b.perDayStandardDeviation,
              daysFromAnneal.value > 0 else { return periodTable(daysFromAnneal: daysFromAnneal) }
        let k = coverageFactor
        let inflation = 1 + 1 / Double(b.controlCount)
        let fromControls = daysFromAnneal.value * s.value * inflation.squareRoot()
        let floor = readingNoise.value * inflation.squareRoot()
        let u0 = max(fromControls, floor)
        let threshold = k * u0
        let denominator = 1 - k * k * relativeUncertainty * relativeUncertainty
        guard denominator > 0.1 else { return periodTable(daysFromAnneal: daysFromAnneal) }
        return DetectionLimit(
            decisionThreshold: MilliSievert(threshold), limit: MilliSievert(2 * threshold / denominator),
            basis: .controls(count: b.controlCount))
    }
}
