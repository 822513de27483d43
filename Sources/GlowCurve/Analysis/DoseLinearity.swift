/// Linearity of a dose response: the supralinearity index f(D) = [S(D)/D] / [S(D₁)/D₁] of each dose
/// against the lowest (Chen & McKeever, *Theory of Thermoluminescence and Related Phenomena*, 1997,
/// §7.1), and the doses where the response departs from proportionality.
public struct DoseLinearity: Sendable, Hashable {
    public struct Point: Sendable, Hashable {
        public var doseGray: Double
        public var signal: Double
        /// f(D); 1 for a proportional response.
        public var index: Double
        /// |f(D) − 1| exceeds the tolerance.
        public var departs: Bool
    }

    public var points: [Point]
    public var tolerance: Double

    /// Doses where the response is not proportional (super- or sublinear, or scatter beyond tolerance).
    public var departures: [Point] { points.filter(\.departs) }

    /// - Parameters:
    ///   - doseGray: doses, ascending, all > 0.
    ///   - signals: the matching signals (integral or fitted peak area).
    ///   - tolerance: the allowed |f(D) − 1|, e.g. 0.1 for 10 %.
    public init(doseGray: [Double], signals: [Double], tolerance: Double = 0.1) {
        self.tolerance = tolerance
        guard let d1 = doseGray.first, let s1 = signals.first, d1 > 0, s1 != 0 else {
            points = []
            return
        }
        let reference = s1 / d1
        points = zip(doseGray, signals).map { d, s in
            let f = (s / d) / reference
            return Point(doseGray: d, signal: s, index: f, departs: abs(f - 1) > tolerance)
        }
    }
}

extension GlowCurve {
    /// The channels whose temperature lies in `roi`, as a curve of their own; nil when fewer than two.
    public func cropped(to roi: RegionOfInterest) -> GlowCurve? {
        let keep = temperatureKelvin.indices.filter { temperatureKelvin[$0] >= roi.lowerKelvin && temperatureKelvin[$0] <= roi.upperKelvin }
        guard keep.count >= 2 else { return nil }
        return GlowCurve(
            unchecked: keep.map { counts[$0] }, temperatureKelvin: keep.map { temperatureKelvin[$0] },
            timeSeconds: timeSeconds.map { t in keep.map { t[$0] } })
    }
}
