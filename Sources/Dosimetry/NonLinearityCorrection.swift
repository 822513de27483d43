/// Correction of the phosphor's non-linear dose response: a reading of R (in units of the linear S-Cs
/// calibration) is multiplied by k(R) ≤ 1 to give the dose.
///
/// LiF:Mg,Ti (peaks 4–5) is linear to about 1 Gy and supralinear above it, the supralinearity index
/// f(D) = [F(D)/D]/[F(D₁)/D₁] reaching about 1.2 at 5 Gy and 1.3–1.5 near 10 Gy for low-LET photons
/// (Y. S. Horowitz, Phys. Med. Biol. 26 (1981) 765; McKeever, Moscovitch & Townsend,
/// *Thermoluminescence Dosimetry Materials*, 1995, § 3.4) **[values from the literature's figures as
/// summarized there; check against the lab's own high-dose calibration]**. The default is therefore
/// k = 1 up to 1000 mSv and a linear fall of 1/f to 1/1.3 at 10 Sv. The simulator's phosphor is linear
/// (simulators/README.md), so the type test, which stays at or below 1 Sv, does not exercise it.
public struct NonLinearityCorrection: Sendable, Hashable, Codable {
    /// (reading in mSv, factor k) points, ascending; k is interpolated linearly and held beyond the ends.
    public var points: [Point]

    public struct Point: Sendable, Hashable, Codable {
        public var readingMilliSievert: Double
        public var factor: Double
        public init(readingMilliSievert: Double, factor: Double) {
            self.readingMilliSievert = readingMilliSievert
            self.factor = factor
        }
    }

    public init(points: [Point]) { self.points = points.sorted { $0.readingMilliSievert < $1.readingMilliSievert } }

    public static let none = NonLinearityCorrection(points: [])
    public static let lifMgTiDefault = NonLinearityCorrection(points: [
        Point(readingMilliSievert: 1000, factor: 1),
        Point(readingMilliSievert: 10_000, factor: 1 / 1.3),
    ])

    /// k(R) for a reading of `reading` (mSv, linear S-Cs calibration).
    public func factor(reading: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if reading <= first.readingMilliSievert { return first.factor }
        if reading >= last.readingMilliSievert { return last.factor }
        for (a, b) in zip(points, points.dropFirst()) where reading <= b.readingMilliSievert {
            let t = (reading - a.readingMilliSievert) / (b.readingMilliSievert - a.readingMilliSievert)
            return a.factor + t * (b.factor - a.factor)
        }
        return last.factor
    }
}
