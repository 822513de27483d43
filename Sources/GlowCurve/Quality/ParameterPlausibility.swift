import RealModule

/// The ranges inside which a fitted trap's parameters are physically plausible. Sources and
/// reasoning: docs/glow-fit.md ("Plausible parameters").
///
/// - Frequency factor s: 1e5 … 1e22 s⁻¹. Typical TL traps have s of the order of a lattice
///   vibration frequency, 1e12–1e14 s⁻¹ (Chen & McKeever, *Theory of Thermoluminescence and Related
///   Phenomena*, 1997); LiF:Mg,Ti's high-temperature peaks (peak 5 region, E = 2.2–2.4 eV) are measured
///   with "anomalously high" s = 1e21–1e22 s⁻¹ (Kudryavtseva et al., Phys. Solid State 50 (2008) 1667),
///   which sets the upper end; values far below 1e5 s⁻¹ are only reported for traps emptied far below
///   room temperature. An s outside the range is a shape stretched to absorb noise or another peak.
/// - Kinetic order b of the general-order model: 1 … 2.5 (the fit's bounds; b near 1 is the
///   first-order limit, b = 2 second order; Kitis, Gomez-Ros & Tuyn, J. Phys. D 31 (1998) 2636).
public struct PlausibleRanges: Sendable, Hashable {
    public var frequencyFactorPerSecond: ClosedRange<Double> = 1e5...1e22

    public init(frequencyFactorPerSecond: ClosedRange<Double> = 1e5...1e22) {
        self.frequencyFactorPerSecond = frequencyFactorPerSecond
    }

    public static let `default` = PlausibleRanges()
}

/// Why one fitted peak's parameters are not a trap the data describe. Each case says one thing.
public enum Implausibility: Sendable, Hashable, CustomStringConvertible {
    /// A free parameter ended on a bound of its allowed range.
    case onBound(PeakParameter, value: Double)
    /// The parameter's standard error exceeds its value: the data do not determine it.
    case uncertaintyExceedsValue(PeakParameter, value: Double, uncertainty: Double)
    /// The frequency factor implied by E and Tm lies outside the plausible range.
    case frequencyFactorOutOfRange(perSecond: Double, range: ClosedRange<Double>)

    public var description: String {
        switch self {
        case let .onBound(p, v): "\(p) = \(significant(v)) is on a bound of its allowed range"
        case let .uncertaintyExceedsValue(p, v, u): "\(p) = \(significant(v)) ± \(significant(u)): the uncertainty exceeds the value"
        case let .frequencyFactorOutOfRange(s, r):
            "s = \(significant(s)) s⁻¹ is outside the plausible \(significant(r.lowerBound))…\(significant(r.upperBound)) s⁻¹"
        }
    }
}

/// The plausibility check of a fit's peaks.
public enum ParameterPlausibility {
    /// Every implausibility of every peak, by peak index (into `fit.peaks`). Fixed parameters are the
    /// user's and are not judged; Im on its lower bound 0 is an empty peak (reported as on a bound).
    public static func assess(_ fit: GlowFit, ranges: PlausibleRanges = .default) -> [(peak: Int, reason: Implausibility)] {
        var out: [(Int, Implausibility)] = []
        for (i, p) in fit.peaks.enumerated() {
            for reason in assess(p, ranges: ranges) { out.append((i, reason)) }
        }
        return out
    }

    /// The implausibilities of one peak.
    public static func assess(_ p: FittedPeak, ranges: PlausibleRanges = .default) -> [Implausibility] {
        var out: [Implausibility] = []
        let parameters: [PeakParameter] = p.peak.model.hasShapeParameter
            ? [.maximumIntensity, .activationEnergy, .maximumTemperature, .shape]
            : [.maximumIntensity, .activationEnergy, .maximumTemperature]
        for q in parameters where !p.fixedParameters.contains(q) && !p.parametersAtPlausibleLimit.contains(q) {
            if p.parametersAtBound.contains(q) {
                out.append(.onBound(q, value: p.value(of: q)))
                continue
            }
            let u = p.uncertainty(of: q)
            if u.isFinite && u > abs(p.value(of: q)) {
                out.append(.uncertaintyExceedsValue(q, value: p.value(of: q), uncertainty: u))
            }
        }
        let s = p.frequencyFactorPerSecond
        if !(s.isFinite && ranges.frequencyFactorPerSecond.contains(s)) {
            out.append(.frequencyFactorOutOfRange(perSecond: s, range: ranges.frequencyFactorPerSecond))
        }
        return out
    }

    /// The activation energies, eV, whose frequency factor at `tm` (and the peak's model and shape)
    /// lies in `ranges.frequencyFactorPerSecond`; s grows monotonically with E at fixed Tm, so the
    /// window's ends are found by bisection.
    public static func energyWindow(
        for peak: GlowPeak, heatingRateKelvinPerSecond beta: Double, ranges: PlausibleRanges = .default,
        within limits: ClosedRange<Double>
    ) -> ClosedRange<Double>? {
        func s(_ e: Double) -> Double {
            var q = peak
            q.activationEnergyElectronVolt = e
            return q.frequencyFactorPerSecond(heatingRateKelvinPerSecond: beta)
        }
        func solve(_ target: Double) -> Double {
            var lo = limits.lowerBound, hi = limits.upperBound
            if s(lo) >= target { return lo }
            if s(hi) <= target { return hi }
            for _ in 0..<80 {
                let mid = 0.5 * (lo + hi)
                if s(mid) < target { lo = mid } else { hi = mid }
            }
            return 0.5 * (lo + hi)
        }
        let lo = solve(ranges.frequencyFactorPerSecond.lowerBound), hi = solve(ranges.frequencyFactorPerSecond.upperBound)
        return lo < hi ? lo...hi : nil
    }
}

/// `value` with about 3 significant digits, without Foundation (for messages): 9.87e+35, 1.23, 0.0456.
public func significant(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    let a = abs(value)
    if a == 0 { return "0" }
    if a >= 1e5 || a < 1e-3 {
        var exponent = Int(Double.log10(a).rounded(.down))
        var mantissa = value / Double.pow(10, Double(exponent))
        if abs(mantissa) >= 9.995 { mantissa /= 10; exponent += 1 }
        return fixed(mantissa, 2) + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
    }
    let digits = a >= 100 ? 1 : (a >= 1 ? 3 : 4)
    return fixed(value, digits)
}
