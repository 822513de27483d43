/// The acceptance criterion of individual monitoring for one result, the "trumpet curve":
///
///   (1/F)·(1 − 2H₀/(H₀ + H)) ≤ Hm/H ≤ F·(1 + H₀/(2H₀ + H))
///
/// H the conventional true dose, Hm the measured one, F = 1.5, H₀ the lower limit of the dose range
/// (ICRP Publication 75 (1997) §§ 225–229 via European Commission, *Radiation Protection 160*,
/// Technical recommendations for monitoring individuals occupationally exposed to external radiation,
/// 2009, § 2.3.3; ../shared/notes/tl-physics.md). At H = H₀ the band is 0–2; for H ≫ H₀ it is 0.67–1.5.
public struct TrumpetCurve: Sendable, Hashable, Codable {
    public var factor: Double
    /// H₀: 0.085 mSv for a monthly whole-body Hp(10) service by default.
    public var lowerDoseLimit: MilliSievert

    public init(factor: Double = 1.5, lowerDoseLimit: MilliSievert = MilliSievert(0.085)) {
        self.factor = factor
        self.lowerDoseLimit = lowerDoseLimit
    }

    /// The allowed range of Hm/H at conventional true dose `h`.
    public func allowedRatio(at h: MilliSievert) -> ClosedRange<Double> {
        let (f, h0, x) = (factor, lowerDoseLimit.value, h.value)
        let lower = (1 / f) * (1 - 2 * h0 / (h0 + x))
        let upper = f * (1 + h0 / (2 * h0 + x))
        return lower...upper
    }

    /// Judges one result.
    public func judge(dosimeter: String = "", label: String, quantity: Quantity, delivered: MilliSievert, measured: MilliSievert?) -> Judgement {
        let band = allowedRatio(at: delivered)
        let ratio = measured.map { delivered.value > 0 ? $0.value / delivered.value : .nan }
        return Judgement(
            dosimeter: dosimeter, label: label, quantity: quantity, delivered: delivered, measured: measured, ratio: ratio,
            lower: band.lowerBound, upper: band.upperBound, passes: ratio.map { band.contains($0) } ?? false)
    }

    public enum Quantity: String, Sendable, Hashable, Codable {
        case hp10 = "Hp(10)"
        case hp007 = "Hp(0.07)"
    }

    /// One result against the curve. A result with no measured value (not assessable) fails.
    public struct Judgement: Sendable, Hashable, Codable {
        /// The dosimeter (card ID), when known.
        public var dosimeter: String
        /// What was irradiated, e.g. "N-80 60°".
        public var label: String
        public var quantity: Quantity
        public var delivered: MilliSievert
        public var measured: MilliSievert?
        /// Hm/H.
        public var ratio: Double?
        public var lower: Double
        public var upper: Double
        public var passes: Bool
    }
}
