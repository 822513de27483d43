/// Correction of the phosphor's non-linear dose response.
///
/// The phosphor's response is described by its supralinearity index f(D) = [F(D)/D]/[F(D₁)/D₁], the
/// response per unit dose at dose D relative to that in the linear range (D₁ low), as the literature
/// states it. A reading R in units of the linear S-Cs calibration is then R = D·f(D); the correction
/// solves that for D, so the factor applied to the reading is k(R) = D/R = 1/f(D(R)) — f is evaluated
/// at the dose, not at the (larger) reading.
///
/// LiF:Mg,Ti (peaks 4–5) is linear to about 1 Gy and supralinear above it, f reaching about 1.2 at
/// 5 Gy and 1.3–1.5 near 10 Gy for low-LET photons (Y. S. Horowitz, Phys. Med. Biol. 26 (1981) 765;
/// McKeever, Moscovitch & Townsend, *Thermoluminescence Dosimetry Materials*, 1995, § 3.4)
/// **[values from the literature's figures as summarized there; the onset and degree vary with the
/// batch and its thermal history (Datz et al., Radiat. Meas. 45 (2010) 710): a lab replaces them by its
/// own high-dose calibration]**. The default is f = 1 up to 1000 mSv rising linearly to 1.3 at 10 Sv.
/// The simulator's phosphor is linear (simulators/README.md), so the type test, which stays at or
/// below 1 Sv, does not exercise it.
public struct NonLinearityCorrection: Sendable, Hashable, Codable {
    /// (dose in mSv, supralinearity index f) points, ascending in dose; f is interpolated linearly and
    /// held beyond the ends. Empty = linear.
    public var points: [Point]

    public struct Point: Sendable, Hashable, Codable {
        public var doseMilliSievert: Double
        public var supralinearity: Double
        public init(doseMilliSievert: Double, supralinearity: Double) {
            self.doseMilliSievert = doseMilliSievert
            self.supralinearity = supralinearity
        }
    }

    public init(points: [Point]) { self.points = points.sorted { $0.doseMilliSievert < $1.doseMilliSievert } }

    public static let none = NonLinearityCorrection(points: [])
    public static let lifMgTiDefault = NonLinearityCorrection(points: [
        Point(doseMilliSievert: 1000, supralinearity: 1),
        Point(doseMilliSievert: 10_000, supralinearity: 1.3),
    ])

    /// f(D) at dose `dose` (mSv).
    public func supralinearity(dose: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if dose <= first.doseMilliSievert { return first.supralinearity }
        if dose >= last.doseMilliSievert { return last.supralinearity }
        for (a, b) in zip(points, points.dropFirst()) where dose <= b.doseMilliSievert {
            let t = (dose - a.doseMilliSievert) / (b.doseMilliSievert - a.doseMilliSievert)
            return a.supralinearity + t * (b.supralinearity - a.supralinearity)
        }
        return last.supralinearity
    }

    /// The dose D (mSv) whose reading D·f(D) is `reading` (mSv, linear S-Cs calibration): bisection on
    /// the monotone D·f(D) (monotone as long as f falls no faster than 1/D, true of supralinear and
    /// mildly sublinear responses).
    public func dose(reading: Double) -> Double {
        guard reading > 0, !points.isEmpty else { return reading }
        let fMin = points.map(\.supralinearity).min() ?? 1
        var lo = 0.0, hi = reading / min(fMin, 1)
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if mid * supralinearity(dose: mid) < reading { lo = mid } else { hi = mid }
            if hi - lo <= 1e-12 * max(hi, 1) { break }
        }
        return (lo + hi) / 2
    }

    /// k(R) = D/R for a reading of `reading` (mSv, linear S-Cs calibration); 1 in the linear range.
    public func factor(reading: Double) -> Double {
        guard reading > 0, let first = points.first else { return 1 }
        // Below the first point f is constant: D = R/f exactly.
        if reading <= first.doseMilliSievert * first.supralinearity { return 1 / first.supralinearity }
        return dose(reading: reading) / reading
    }
}
