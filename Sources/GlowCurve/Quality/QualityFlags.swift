import RealModule

/// Configurable limits of the glow-curve quality checks.
public struct QualityLimits: Sendable, Hashable {
    /// The reader's reference Tm of the dosimetric peak, kelvin; nil disables the shift check.
    public var referenceDosimetricPeakKelvin: Double? = nil
    /// Largest allowed |Tm − reference|, kelvin (a heating fault or an aged card shifts the peak).
    public var maximumPeakShiftKelvin = 8.0
    /// A channel standing this many noise levels above the median of its neighbours is a spike.
    public var spikeThresholdSigma = 8.0
    /// Largest acceptable FOM, percent (Horowitz & Yossian 1995: above 3.5 % is "bad").
    public var maximumFigureOfMeritPercent = 3.5
    /// The counter's full scale; a channel at or above it is saturated. nil: detect flat tops only.
    public var saturationCounts: Double? = nil
    /// This many consecutive channels at the curve's maximum value mean a clipped (saturated) top.
    public var saturationFlatChannels = 3
    /// The mean of the last 5 % of channels, relative to the maximum, above which a rising tail is
    /// called incandescence.
    public var incandescenceTailFraction = 0.05
    /// A post-anneal read holding more than this fraction of the read before it flags residual signal.
    public var maximumResidualFractionAfterAnneal = 0.01
    /// Peaks more than this many kelvin below the dosimetric peak are "low-temperature" peaks.
    public var lowTemperatureOffsetKelvin = 50.0
    /// A low-temperature peak higher than this fraction of the dosimetric peak flags a recent exposure
    /// (fading not yet settled).
    public var maximumLowTemperaturePeakRatio = 0.5

    public init() {}
}

/// Something in a glow curve that makes its dose doubtful. Each case says one thing.
public enum QualityFlag: Sendable, Hashable, CustomStringConvertible {
    case dosimetricPeakShifted(measuredKelvin: Double, referenceKelvin: Double)
    case spike(channel: Int, kelvin: Double, excessCounts: Double)
    case figureOfMeritTooHigh(percent: Double, limitPercent: Double)
    case saturated(firstChannel: Int, channels: Int)
    case incandescence(tailFraction: Double)
    case residualSignalAfterAnneal(fraction: Double)
    case highLowTemperaturePeak(kelvin: Double, ratioToDosimetric: Double)
    /// A fitted peak (1-based number in the fit's list) whose parameters are not physically
    /// plausible (``ParameterPlausibility``).
    case implausibleParameter(peak: Int, kelvin: Double, reason: Implausibility)
    /// The hold at the maximum temperature glows more than the reader's blank (``ReaderBlank``).
    case incandescenceAboveBlank(excessCountsPerChannel: Double, blankCountsPerChannel: Double)
    /// The channels before any glow count more than the reader's blank (light leak, PMT noise).
    case darkCountsAboveBlank(excessCountsPerChannel: Double, blankCountsPerChannel: Double)

    /// A short machine-friendly name.
    public var code: String {
        switch self {
        case .dosimetricPeakShifted: "peak-shift"
        case .spike: "spike"
        case .figureOfMeritTooHigh: "fom-high"
        case .saturated: "saturation"
        case .incandescence: "incandescence"
        case .residualSignalAfterAnneal: "residual-after-anneal"
        case .highLowTemperaturePeak: "low-temperature-peak"
        case .implausibleParameter: "implausible-parameter"
        case .incandescenceAboveBlank: "incandescence"
        case .darkCountsAboveBlank: "dark-count"
        }
    }

    public var description: String {
        switch self {
        case let .dosimetricPeakShifted(m, r):
            "dosimetric peak at \(fixed(m, 1)) K, \(fixed(m - r, 1)) K from the reader's reference \(fixed(r, 1)) K (heating fault or aged card)"
        case let .spike(c, t, e): "spike at channel \(c) (\(fixed(t, 1)) K), \(fixed(e, 0)) counts above its neighbours"
        case let .figureOfMeritTooHigh(f, l): "fit FOM \(fixed(f, 2)) % above the limit \(fixed(l, 2)) %"
        case let .saturated(c, n): "\(n) channels from channel \(c) are at full scale (saturated)"
        case let .incandescence(f): "rising tail at \(fixed(f * 100, 1)) % of the maximum (incandescence)"
        case let .residualSignalAfterAnneal(f): "residual signal after anneal: \(fixed(f * 100, 2)) % of the previous read"
        case let .highLowTemperaturePeak(t, r):
            "low-temperature peak at \(fixed(t, 1)) K is \(fixed(r * 100, 0)) % of the dosimetric peak (recent exposure, fading not settled)"
        case let .implausibleParameter(n, t, reason): "peak \(n) at \(fixed(t, 1)) K: \(reason)"
        case let .incandescenceAboveBlank(e, b):
            "the hold glows \(fixed(e, 1)) counts per channel above the reader's blank (\(fixed(b, 1))): incandescence"
        case let .darkCountsAboveBlank(e, b):
            "\(fixed(e, 1)) counts per channel above the reader's blank (\(fixed(b, 1))) before any glow: dark counts or a light leak"
        }
    }
}

/// The quick look at one element's curve: no fit, cheap enough for every read.
public struct QualityScreen: Sendable, Hashable {
    /// Temperature of the smoothed curve's highest point, kelvin.
    public var maximumKelvin: Double
    /// Height of the smoothed maximum, counts.
    public var maximumCounts: Double
    /// Sum of all counts.
    public var totalCounts: Double
    public var flags: [QualityFlag]
}

/// Glow-curve quality checks: a fast screen without a fit, and the checks that need a fit.
public enum GlowQuality {
    /// Fast path (no fit): spikes, saturation, incandescence, the Tm shift of the smoothed maximum,
    /// and a high low-temperature maximum. O(channels).
    public static func screen(_ curve: GlowCurve, limits: QualityLimits = .init()) -> QualityScreen {
        let y = curve.counts, t = curve.temperatureKelvin
        let n = y.count
        var flags: [QualityFlag] = []
        let features = CurveFeatures(curve, halfWindow: max(2, n / 100))
        let s = features.smoothed
        let top = s.indices.max { s[$0] < s[$1] } ?? 0
        let maxCounts = s.isEmpty ? 0 : s[top]

        // Spikes: a channel far above the median of its ±2 neighbours, in noise units (Poisson √median
        // combined with the curve's robust noise level).
        if n >= 5 {
            var i = 0
            while i < n {
                let lo = max(0, i - 2), hi = min(n - 1, i + 2)
                var neighbours: [Double] = []
                for j in lo...hi where j != i { neighbours.append(y[j]) }
                neighbours.sort()
                let med = neighbours[neighbours.count / 2]
                let sigma = (max(med, 1) + features.noiseCounts * features.noiseCounts).squareRoot()
                let excess = y[i] - med
                if excess > limits.spikeThresholdSigma * sigma && excess > 0.05 * maxCounts {
                    flags.append(.spike(channel: i, kelvin: t[i], excessCounts: excess))
                    i += 2
                    continue
                }
                i += 1
            }
        }
        // Saturation: at full scale, or a flat run at the maximum.
        let rawMax = y.max() ?? 0
        if let full = limits.saturationCounts, let first = y.firstIndex(where: { $0 >= full }) {
            var run = 0
            for v in y[first...] { if v >= full { run += 1 } else { break } }
            flags.append(.saturated(firstChannel: first, channels: run))
        } else if rawMax > 0 {
            var bestRun = 0, bestStart = 0, run = 0
            for (i, v) in y.enumerated() {
                if v == rawMax { run += 1; if run > bestRun { bestRun = run; bestStart = i - run + 1 } } else { run = 0 }
            }
            if bestRun >= limits.saturationFlatChannels { flags.append(.saturated(firstChannel: bestStart, channels: bestRun)) }
        }
        // Incandescence: the last 5 % of channels high and rising.
        if n >= 20, maxCounts > 0 {
            let tailCount = max(3, n / 20)
            let tail = Array(s[(n - tailCount)...])
            let mean = tail.reduce(0, +) / Double(tailCount)
            let rising = (tail.last ?? 0) > (tail.first ?? 0)
            let fraction = mean / maxCounts
            if rising && fraction > limits.incandescenceTailFraction { flags.append(.incandescence(tailFraction: fraction)) }
        }
        // Dosimetric peak shift, from the smoothed maximum.
        if let ref = limits.referenceDosimetricPeakKelvin, maxCounts > 0, abs(t[top] - ref) > limits.maximumPeakShiftKelvin {
            flags.append(.dosimetricPeakShifted(measuredKelvin: t[top], referenceKelvin: ref))
        }
        // A high low-temperature maximum, relative to the dosimetric region.
        let dosimetricKelvin = limits.referenceDosimetricPeakKelvin ?? t[top]
        let dosimetricIndex = t.indices.min { abs(t[$0] - dosimetricKelvin) < abs(t[$1] - dosimetricKelvin) } ?? top
        let dosimetricHeight = s[dosimetricIndex]
        if dosimetricHeight > 0 {
            for c in features.candidates() where c.isMaximum && c.temperatureKelvin < dosimetricKelvin - limits.lowTemperatureOffsetKelvin {
                let ratio = c.heightCounts / dosimetricHeight
                if ratio > limits.maximumLowTemperaturePeakRatio {
                    flags.append(.highLowTemperaturePeak(kelvin: c.temperatureKelvin, ratioToDosimetric: ratio))
                }
            }
        }
        return QualityScreen(maximumKelvin: t.isEmpty ? .nan : t[top], maximumCounts: maxCounts, totalCounts: curve.total, flags: flags)
    }

    /// The checks that use a fit: FOM, implausible peak parameters, the fitted dosimetric peak's Tm
    /// shift, a high fitted low-temperature peak, plus the fast screen's spikes, saturation and incandescence.
    public static func assess(
        _ fit: GlowFit, of curve: GlowCurve, dosimetricPeakIndex: Int?, limits: QualityLimits = .init(),
        plausibleRanges: PlausibleRanges = .default
    ) -> [QualityFlag] {
        var flags = screen(curve, limits: limits).flags.filter {
            switch $0 {
            case .spike, .saturated, .incandescence: true
            default: false
            }
        }
        if fit.figureOfMeritPercent > limits.maximumFigureOfMeritPercent {
            flags.append(.figureOfMeritTooHigh(percent: fit.figureOfMeritPercent, limitPercent: limits.maximumFigureOfMeritPercent))
        }
        for (i, reason) in ParameterPlausibility.assess(fit, ranges: plausibleRanges) {
            flags.append(.implausibleParameter(peak: i + 1, kelvin: fit.peaks[i].peak.maximumTemperatureKelvin, reason: reason))
        }
        guard let d = dosimetricPeakIndex, fit.peaks.indices.contains(d) else { return flags }
        let dos = fit.peaks[d].peak
        if let ref = limits.referenceDosimetricPeakKelvin, abs(dos.maximumTemperatureKelvin - ref) > limits.maximumPeakShiftKelvin {
            flags.append(.dosimetricPeakShifted(measuredKelvin: dos.maximumTemperatureKelvin, referenceKelvin: ref))
        }
        for p in fit.peaks where p.peak.maximumTemperatureKelvin < dos.maximumTemperatureKelvin - limits.lowTemperatureOffsetKelvin {
            let ratio = p.peak.maximumIntensity / max(dos.maximumIntensity, 1e-300)
            if ratio > limits.maximumLowTemperaturePeakRatio {
                flags.append(.highLowTemperaturePeak(kelvin: p.peak.maximumTemperatureKelvin, ratioToDosimetric: ratio))
            }
        }
        return flags
    }

    /// Residual signal: a read made after the anneal (or a second read of the same element) compared
    /// with the read before it. Flags when annealRead.total / previousTotal exceeds the limit.
    public static func residualAfterAnneal(_ annealRead: GlowCurve, previousReadTotalCounts: Double, limits: QualityLimits = .init()) -> QualityFlag? {
        guard previousReadTotalCounts > 0 else { return nil }
        let fraction = annealRead.total / previousReadTotalCounts
        return fraction > limits.maximumResidualFractionAfterAnneal ? .residualSignalAfterAnneal(fraction: fraction) : nil
    }
}

/// `value` with `digits` decimals, without Foundation (for messages).
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<max(0, digits) { scale *= 10 }
    let negative = value < 0
    let rounded = (abs(value) * scale).rounded()
    guard rounded < 9e18 else { return "\(value)" }
    let integer = UInt64(rounded)
    let whole = integer / UInt64(scale)
    let frac = integer % UInt64(scale)
    var s = (negative && integer != 0 ? "-" : "") + String(whole)
    if digits > 0 {
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        s += "." + f
    }
    return s
}
