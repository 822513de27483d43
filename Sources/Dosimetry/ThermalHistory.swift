import GlowCurve
import RealModule

/// The card's thermal history read from its own glow curve: the low-temperature peaks 2–3 of
/// LiF:Mg,Ti fade much faster than the dosimetric peaks 4–5, so with the days since anneal known, the
/// ratio of the light below the ROI to the light in it tells how warm the card was kept, and from that
/// how much its ROI signal faded. docs/thermal-history.md gives the method, the constants and their
/// sources, and the limits.
///
/// Model: each peak i holds a population p_i per unit dose and decays by first order during storage at
/// λ_i(T) = λ_i(20 °C)·φ, where φ = exp[(E_f/k)(1/293.15 K − 1/T)] is one factor for every peak (one
/// storage activation energy E_f). Dose accrues uniformly over the t days since anneal (the same
/// assumption as the mid-period fading model), so peak i keeps S_i = (1 − e^(−λ_i·φ·t))/(λ_i·φ·t). A
/// first-order peak of glow E and Tm puts a fraction a_i of its light in the low window and b_i in the
/// ROI at the lab's heating rate, so the curve's ratio is
///
///     R(φ) = Σ p_i·a_i·S_i(φ) / Σ p_i·b_i·S_i(φ),
///
/// which falls with φ. The measured R gives φ (bisection on log φ); the ROI keeps
/// Σ p_i·b_i·S_i(φ) / Σ p_i·b_i; the correction is that relative to φ = 1, on top of the lab's fading
/// model (which is stated for 20 °C): F = F_model(t) × ROI(φ, t)/ROI(1, t).
public struct ThermalHistoryModel: Sendable, Hashable {
    /// One glow peak as the algorithm models it.
    public struct Peak: Sendable, Hashable {
        public var name: String
        /// Glow-peak activation energy (eV) and peak temperature at 1 K/s (K): the peak's shape.
        public var glowActivationEnergy: Double
        public var peakKelvinAt1KelvinPerSecond: Double
        /// Light per unit dose relative to peak 5.
        public var relativePopulation: Double
        /// Fading half-life at 20 °C (days); nil = no fading.
        public var halfLifeDaysAt20Celsius: Double?
        public init(name: String, glowActivationEnergy: Double, peakKelvinAt1KelvinPerSecond: Double, relativePopulation: Double, halfLifeDaysAt20Celsius: Double?) {
            self.name = name
            self.glowActivationEnergy = glowActivationEnergy
            self.peakKelvinAt1KelvinPerSecond = peakKelvinAt1KelvinPerSecond
            self.relativePopulation = relativePopulation
            self.halfLifeDaysAt20Celsius = halfLifeDaysAt20Celsius
        }
    }

    public var peaks: [Peak]
    /// Storage activation energy E_f (eV), common to the peaks.
    public var storageActivationEnergy: Double
    /// The low-temperature window (peaks 2–3) and the dosimetric ROI, °C.
    public var lowWindow: RegionOfInterestSetting
    public var roi: RegionOfInterestSetting
    /// The readout: linear heating from `startCelsius` at `kelvinPerSecond`.
    public var kelvinPerSecond: Double
    public var startCelsius: Double
    /// Storage temperatures the estimate may take (°C): outside them the history is not estimated.
    public var plausibleCelsius: ClosedRange<Double>
    /// Largest relative standard uncertainty of the thermal correction that is still applied.
    public var maximumRelativeUncertainty: Double
    /// Fractions of each peak's light in the low window (a_i) and in the ROI (b_i).
    public let lowFraction: [Double]
    public let roiFraction: [Double]

    static let boltzmann = 8.617333e-5  // eV/K, CODATA 2018
    static let referenceKelvin = 293.15

    public init(
        peaks: [Peak], storageActivationEnergy: Double, lowWindow: RegionOfInterestSetting, roi: RegionOfInterestSetting,
        kelvinPerSecond: Double, startCelsius: Double, plausibleCelsius: ClosedRange<Double>, maximumRelativeUncertainty: Double
    ) {
        self.peaks = peaks
        self.storageActivationEnergy = storageActivationEnergy
        self.lowWindow = lowWindow
        self.roi = roi
        self.kelvinPerSecond = kelvinPerSecond
        self.startCelsius = startCelsius
        self.plausibleCelsius = plausibleCelsius
        self.maximumRelativeUncertainty = maximumRelativeUncertainty
        var low: [Double] = [], inROI: [Double] = []
        for p in peaks {
            let f = Self.windowFractions(p, windows: [lowWindow, roi], kelvinPerSecond: kelvinPerSecond, startCelsius: startCelsius)
            low.append(f[0])
            inROI.append(f[1])
        }
        lowFraction = low
        roiFraction = inROI
    }

    /// Fractions of a first-order peak's light (dn/dt = −s·n·exp(−E/kT), Randall & Wilkins 1945) in each
    /// window for linear heating, by direct integration in 0.1 K steps; s from the peak condition at 1 K/s.
    static func windowFractions(_ p: Peak, windows: [RegionOfInterestSetting], kelvinPerSecond beta: Double, startCelsius: Double) -> [Double] {
        let e = p.glowActivationEnergy, tm = p.peakKelvinAt1KelvinPerSecond, k = boltzmann
        let s = e / (k * tm * tm) * Double.exp(e / (k * tm))
        var n = 1.0
        var out = [Double](repeating: 0, count: windows.count)
        let step = 0.1
        var t = startCelsius + 273.15
        while t < 700 && n > 1e-9 {
            let mid = t + step / 2
            let left = n * Double.exp(-s * Double.exp(-e / (k * mid)) * step / beta)
            let c = mid - 273.15
            for (i, w) in windows.enumerated() where c >= w.lowerCelsius && c < w.upperCelsius { out[i] += n - left }
            n = left
            t += step
        }
        return out
    }

    /// Peaks 2–5 of TLD-100: glow E and Tm from the GLOCANIN synthetic curve x002 (Bos et al., Radiat.
    /// Prot. Dosim. 47 (1993) 473), populations its peak areas; 20 °C half-lives as tabulated from measured
    /// fading (peak 2 ≈ 10 h, McKeever 1985 after Cameron et al. 1968) and sized on measured card fading
    /// (12 % of peaks 4+5 in 90 days); storage E_f = 0.65 eV from 19 % in 90 days at 27 °C (see
    /// docs/thermal-history.md). Windows at the lab's 10 °C/s from 50 °C (TimeTemperatureProfile.lifMgTiDefault).
    public static let lifMgTiDefault = ThermalHistoryModel(
        peaks: [
            Peak(name: "peak 2", glowActivationEnergy: 1.383, peakKelvinAt1KelvinPerSecond: 417.2, relativePopulation: 0.236, halfLifeDaysAt20Celsius: 10.0 / 24),
            Peak(name: "peak 3", glowActivationEnergy: 1.483, peakKelvinAt1KelvinPerSecond: 456.6, relativePopulation: 0.360, halfLifeDaysAt20Celsius: 20),
            Peak(name: "peak 4", glowActivationEnergy: 1.583, peakKelvinAt1KelvinPerSecond: 484.0, relativePopulation: 0.583, halfLifeDaysAt20Celsius: 90),
            Peak(name: "peak 5", glowActivationEnergy: 2.002, peakKelvinAt1KelvinPerSecond: 511.7, relativePopulation: 1.0, halfLifeDaysAt20Celsius: 3 * 365.25),
        ],
        storageActivationEnergy: 0.65,
        lowWindow: RegionOfInterestSetting(lowerCelsius: 120, upperCelsius: 220),
        roi: SignalEvaluation.lifMgTiDefault.roi, kelvinPerSecond: 10, startCelsius: 50,
        plausibleCelsius: -10...45, maximumRelativeUncertainty: 0.05)

    /// The rate factor φ of a storage temperature (1 at 20 °C).
    public func rateFactor(celsius: Double) -> Double {
        Double.exp(storageActivationEnergy / Self.boltzmann * (1 / Self.referenceKelvin - 1 / (celsius + 273.15)))
    }

    /// The storage temperature of a rate factor.
    public func celsius(rateFactor phi: Double) -> Double {
        1 / (1 / Self.referenceKelvin - Double.log(phi) * Self.boltzmann / storageActivationEnergy) - 273.15
    }

    func survival(_ p: Peak, phi: Double, days: Double) -> Double {
        guard let half = p.halfLifeDaysAt20Celsius else { return 1 }
        let x = Double.log(2) / half * phi * days
        return x < 1e-9 ? 1 - x / 2 : -Double.expMinusOne(-x) / x
    }

    /// R(φ) and the ROI survival at φ after `days`.
    public func model(phi: Double, days: Double) -> (ratio: Double, roiSurvival: Double) {
        var low = 0.0, inROI = 0.0, full = 0.0
        for (i, p) in peaks.enumerated() {
            let s = survival(p, phi: phi, days: days)
            low += p.relativePopulation * lowFraction[i] * s
            inROI += p.relativePopulation * roiFraction[i] * s
            full += p.relativePopulation * roiFraction[i]
        }
        return (inROI > 0 ? low / inROI : 0, full > 0 ? inROI / full : 1)
    }

    /// φ whose model ratio equals `ratio`, within the plausible temperatures (clamped to them).
    func solve(ratio: Double, days: Double) -> (phi: Double, clamped: Bool) {
        var lo = Double.log(rateFactor(celsius: plausibleCelsius.lowerBound))
        var hi = Double.log(rateFactor(celsius: plausibleCelsius.upperBound))
        // R falls with φ: above R(lo) the card was colder than the range, below R(hi) warmer.
        if ratio >= model(phi: Double.exp(lo), days: days).ratio { return (Double.exp(lo), true) }
        if ratio <= model(phi: Double.exp(hi), days: days).ratio { return (Double.exp(hi), true) }
        for _ in 0..<30 {  // log φ spans ≈ 3.5: 2⁻³⁰ of it is far below any counting error
            let mid = (lo + hi) / 2
            if model(phi: Double.exp(mid), days: days).ratio > ratio { lo = mid } else { hi = mid }
        }
        return (Double.exp((lo + hi) / 2), false)
    }

    /// What the curves say about one card.
    public enum Outcome: Sendable, Hashable {
        /// The correction to apply on top of the 20 °C fading model (ROI(φ)/ROI(1)), the effective
        /// storage temperature and the measured ratio.
        case estimated(correction: Double, relativeUncertainty: Double, celsius: Double, ratio: Double)
        /// No estimate: the 20 °C model stands. `reason` says why, for the flag's remark.
        case notEstimated(reason: String)
    }

    /// Estimates the history from the summed low-window and ROI net signals of the card's elements.
    public func estimate(low: NetSignal, roi signal: NetSignal, days: Days) -> Outcome {
        let t = days.value
        guard t > 0 else { return .notEstimated(reason: "no days since anneal") }
        let l = low.netCounts, r = signal.netCounts
        guard r > 0 else { return .notEstimated(reason: "no net signal in the ROI") }
        let sl = low.standardDeviationCounts, sr = signal.standardDeviationCounts
        guard l > 2 * sl else {
            return .notEstimated(reason: "peaks 2–3 signal \(Int(l.rounded())) ± \(Int(sl.rounded())) counts is below noise")
        }
        let ratio = l / r
        let sigmaRatio = ratio * ((sl / l) * (sl / l) + (sr / r) * (sr / r)).squareRoot()
        let reference = model(phi: 1, days: t).roiSurvival
        func correction(_ x: Double) -> (value: Double, clamped: Bool, phi: Double) {
            let s = solve(ratio: x, days: t)
            return (model(phi: s.phi, days: t).roiSurvival / reference, s.clamped, s.phi)
        }
        let best = correction(ratio)
        let up = correction(ratio + sigmaRatio), down = correction(max(ratio - sigmaRatio, 0))
        let u = abs(up.value - down.value) / 2 / best.value
        let celsius = celsius(rateFactor: best.phi)
        if best.clamped {
            return .notEstimated(reason: "peaks 2–3/ROI ratio \(fmt(ratio)) outside the storage range \(Int(plausibleCelsius.lowerBound))…\(Int(plausibleCelsius.upperBound)) °C after \(Int(t.rounded())) days")
        }
        guard u <= maximumRelativeUncertainty else {
            return .notEstimated(reason: "peaks 2–3/ROI ratio \(fmt(ratio)) ± \(fmt(sigmaRatio)) gives the fading only to ± \(Int((u * 100).rounded())) %")
        }
        return .estimated(correction: best.value, relativeUncertainty: u, celsius: celsius, ratio: ratio)
    }
}
