import RealModule

/// Boltzmann constant in eV/K, the value tgcd and the GLOCANIN references use (8.617385e-5).
public let boltzmannElectronVoltPerKelvin = 8.617385e-5

/// The kinetic model of one glow peak, each written in the (Im, E, Tm) form.
///
/// Sources: Kitis, Gomez-Ros & Tuyn, J. Phys. D 31 (1998) 2636 (first, second and general order);
/// Kitis & Gomez-Ros, NIM A 440 (2000) 224 (mixed order); Kitis & Vlachos, Radiat. Meas. 48 (2013) 47
/// (one trap–one recombination centre via Lambert W); Randall & Wilkins 1945 for the exact first order.
/// The formulas are checked against tgcd 2.7 (Peng et al., SoftwareX 5 (2016) 112), its Fortran sources
/// `tgcfunc_frt*.f90`, `tgcfunc_gnr*.f90`, `tgcfunc_mix*.f90`, `tgcfunc_lw*.f90`.
public enum PeakModel: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Exact first order, Randall–Wilkins with the exponential integral.
    case firstOrder
    /// First order, the Kitis et al. 1998 approximation.
    case firstOrderKitis
    /// Second order (Garlick–Gibson), Kitis et al. 1998.
    case secondOrder
    /// General order b (May–Partridge), Kitis et al. 1998; `shape` is the order b (1 < b ≤ 3).
    case generalOrder
    /// Mixed order, Kitis & Gomez-Ros 2000; `shape` is α = n₀/(n₀+M) (0 < α < 1).
    case mixedOrder
    /// One trap–one recombination centre, Kitis & Vlachos 2013; `shape` is the retrapping ratio
    /// R = A_n/A_m (0 < R, R ≠ 1): W₀ for R < 1, W₋₁ for R > 1.
    case oneTrapOneRecombinationCentre

    public var description: String {
        switch self {
        case .firstOrder: "first order (Randall-Wilkins, exact)"
        case .firstOrderKitis: "first order (Kitis 1998)"
        case .secondOrder: "second order"
        case .generalOrder: "general order"
        case .mixedOrder: "mixed order"
        case .oneTrapOneRecombinationCentre: "OTOR (Lambert W)"
        }
    }

    /// Whether the model has a fourth, shape parameter (b, α or R).
    public var hasShapeParameter: Bool {
        switch self {
        case .generalOrder, .mixedOrder, .oneTrapOneRecombinationCentre: true
        default: false
        }
    }

    /// The range the shape parameter may take, used as fit bounds.
    public var shapeRange: ClosedRange<Double> {
        switch self {
        case .generalOrder: 1.000_1...2.5
        case .mixedOrder: 0.001...0.999
        case .oneTrapOneRecombinationCentre: 1e-4...0.995
        default: 1...1
        }
    }

    /// A neutral starting value of the shape parameter.
    public var defaultShape: Double {
        switch self {
        case .generalOrder: 1.3
        case .mixedOrder: 0.3
        case .oneTrapOneRecombinationCentre: 0.1
        case .secondOrder: 2
        default: 1
        }
    }

    /// Parses a command-line name (`first`, `kitis1`, `second`, `general`, `mixed`, `otor`).
    public init?(name: String) {
        switch name.lowercased() {
        case "first", "first-order", "rw", "randall-wilkins", "firstorder": self = .firstOrder
        case "kitis1", "first-kitis", "firstorderkitis": self = .firstOrderKitis
        case "second", "second-order", "secondorder": self = .secondOrder
        case "general", "general-order", "go", "generalorder": self = .generalOrder
        case "mixed", "mixed-order", "mo", "mixedorder": self = .mixedOrder
        case "otor", "lambert", "lw", "onetraponerecombinationcentre": self = .oneTrapOneRecombinationCentre
        default: return nil
        }
    }
}

/// One glow peak: a model and its parameters in the (Im, E, Tm) form.
public struct GlowPeak: Sendable, Hashable {
    public var model: PeakModel
    /// Im: the intensity at the maximum (counts per channel).
    public var maximumIntensity: Double
    /// E: the activation energy (trap depth), eV.
    public var activationEnergyElectronVolt: Double
    /// Tm: the temperature of the maximum, kelvin.
    public var maximumTemperatureKelvin: Double
    /// The model's shape parameter: b (general order), α (mixed order), R (OTOR); 1 for first order,
    /// 2 for second order.
    public var shape: Double

    public init(
        model: PeakModel, maximumIntensity: Double, activationEnergyElectronVolt: Double,
        maximumTemperatureKelvin: Double, shape: Double? = nil
    ) {
        self.model = model
        self.maximumIntensity = maximumIntensity
        self.activationEnergyElectronVolt = activationEnergyElectronVolt
        self.maximumTemperatureKelvin = maximumTemperatureKelvin
        self.shape = shape ?? model.defaultShape
    }

    /// The kinetic order b the peak behaves as (1 first order, 2 second order, b general order).
    public var kineticOrder: Double {
        switch model {
        case .firstOrder, .firstOrderKitis: 1
        case .secondOrder: 2
        case .generalOrder: shape
        case .mixedOrder, .oneTrapOneRecombinationCentre: .nan
        }
    }

    /// Checks the parameters lie where the model is defined.
    public func validate() throws(PeakModelError) {
        guard maximumIntensity.isFinite, maximumIntensity >= 0 else {
            throw .parameterOutOfDomain(parameter: "Im", value: maximumIntensity)
        }
        let e = activationEnergyElectronVolt, tm = maximumTemperatureKelvin
        guard e.isFinite, e > 0, e < 20 else { throw .parameterOutOfDomain(parameter: "E (eV)", value: e) }
        guard tm.isFinite, tm > 0, tm < 5000 else { throw .parameterOutOfDomain(parameter: "Tm (K)", value: tm) }
        // The Kitis forms need 1 − 2kTm/E > 0 (E ≫ kT): below this the approximation is meaningless.
        guard 2 * boltzmannElectronVoltPerKelvin * tm / e < 0.5 else {
            throw .parameterOutOfDomain(parameter: "E/kTm (must exceed 4)", value: e / (boltzmannElectronVoltPerKelvin * tm))
        }
        switch model {
        case .generalOrder:
            guard shape.isFinite, shape > 1, shape <= 10 else { throw .parameterOutOfDomain(parameter: "b", value: shape) }
        case .mixedOrder:
            guard shape.isFinite, shape > 0, shape < 1 else { throw .parameterOutOfDomain(parameter: "alpha", value: shape) }
        case .oneTrapOneRecombinationCentre:
            guard shape.isFinite, shape > 0, abs(shape - 1) > 1e-3, shape < 1e3 else {
                throw .parameterOutOfDomain(parameter: "R", value: shape)
            }
        default: break
        }
    }

    /// Intensity at each temperature. `startKelvin` is the temperature at which heating began (the
    /// OTOR integral starts there; other models ignore it). Throws when a parameter is outside the
    /// model's domain or a value would not be finite.
    public func intensities(atKelvin temperatures: [Double], startKelvin: Double? = nil) throws(PeakModelError) -> [Double] {
        try validate()
        var out = [Double](repeating: 0, count: temperatures.count)
        let start = startKelvin ?? temperatures.min() ?? maximumTemperatureKelvin
        guard accumulate(into: &out, temperatures: temperatures, startKelvin: start, scale: 1) else {
            throw .notFinite(model: model)
        }
        return out
    }

    /// Intensity at one temperature.
    public func intensity(atKelvin t: Double, startKelvin: Double? = nil) throws(PeakModelError) -> Double {
        try intensities(atKelvin: [t], startKelvin: startKelvin ?? min(t, maximumTemperatureKelvin))[0]
    }

    /// Adds `scale` × the peak to `out`. Returns false when a value is not finite. No validation:
    /// the fitter keeps the parameters inside their bounds.
    @inline(__always)
    func accumulate(into out: inout [Double], temperatures: [Double], startKelvin: Double, scale: Double) -> Bool {
        let k = boltzmannElectronVoltPerKelvin
        let im = maximumIntensity * scale
        let e = activationEnergyElectronVolt
        let tm = maximumTemperatureKelvin
        let eOverK = e / k
        let twoKTmOverE = 2 * k * tm / e
        var ok = true
        switch model {
        case .firstOrder:
            // I = Im·exp(E/kTm − E/kT)·exp[(s/β)(F(Tm) − F(T))], s/β = (E/kTm²)e^(E/kTm),
            // F(T) = T·e^(−E/kT) + (E/k)·Ei(−E/kT) = T·e^(−E/kT)·(1 − x·eˣE₁(x)), x = E/kT.
            // So (s/β)F(T) = (E/kTm²)·T·exp(E/kTm − E/kT)·(1 − x·eˣE₁(x)): no overflow.
            let xm = eOverK / tm
            let fm = (eOverK / (tm * tm)) * tm * ExponentialIntegral.oneMinusXScaledE1(xm)
            for i in temperatures.indices {
                let t = temperatures[i]
                let x = eOverK / t
                let d = xm - x
                let ed = expClamped(d)
                let ft = (eOverK / (tm * tm)) * t * ed * ExponentialIntegral.oneMinusXScaledE1(x)
                let v = im * expClamped(d + fm - ft)
                out[i] += v
                if !v.isFinite { ok = false }
            }
        case .firstOrderKitis:
            // I = Im·exp[1 + Δ − (T²/Tm²)·e^Δ·(1 − 2kT/E) − 2kTm/E], Δ = (E/kT)(T − Tm)/Tm.
            for i in temperatures.indices {
                let t = temperatures[i]
                let delta = eOverK / t * (t - tm) / tm
                let ratio = t / tm
                let arg = 1 + delta - ratio * ratio * expClamped(min(delta, 700)) * (1 - 2 * k * t / e) - twoKTmOverE
                let v = im * expClamped(arg)
                out[i] += v
                if !v.isFinite { ok = false }
            }
        case .secondOrder:
            // I = 4Im·e^Δ·[(T²/Tm²)(1 − 2kT/E)e^Δ + 1 + 2kTm/E]⁻², in logs to avoid overflow.
            for i in temperatures.indices {
                let t = temperatures[i]
                let delta = eOverK / t * (t - tm) / tm
                let ratio = t / tm
                let a = ratio * ratio * (1 - 2 * k * t / e)
                let c = 1 + twoKTmOverE
                let logBase = delta > 0 ? delta + Double.log(a + c * expClamped(-delta)) : Double.log(a * expClamped(delta) + c)
                let v = im * expClamped(Double.log(4) + delta - 2 * logBase)
                out[i] += v
                if !v.isFinite { ok = false }
            }
        case .generalOrder:
            // I = Im·b^(b/(b−1))·e^Δ·[(b−1)(1 − 2kT/E)(T²/Tm²)e^Δ + 1 + (b−1)2kTm/E]^(−b/(b−1)).
            let b = shape
            let p = b / (b - 1)
            let logPrefactor = p * Double.log(b)
            let c = 1 + (b - 1) * twoKTmOverE
            for i in temperatures.indices {
                let t = temperatures[i]
                let delta = eOverK / t * (t - tm) / tm
                let ratio = t / tm
                let a = (b - 1) * (1 - 2 * k * t / e) * ratio * ratio
                let logBase = delta > 0 ? delta + Double.log(a + c * expClamped(-delta)) : Double.log(a * expClamped(delta) + c)
                let v = im * expClamped(logPrefactor + delta - p * logBase)
                out[i] += v
                if !v.isFinite { ok = false }
            }
        case .mixedOrder:
            // Kitis & Gomez-Ros 2000: Am solves Am = exp[(Am−α)/(Am+α)·(1 − 2kTm/E)], Rm = (Am+α)/(Am−α);
            // I = Im·(e₁−α)²/e₁ · e₂·e₃/(e₃−α)², e₁ = exp((1 − 2kTm/E)/Rm), e₂ = e^Δ,
            // e₃ = exp[(T²/Tm²)/Rm · e^Δ · (1 − 2kT/E)].
            let alpha = shape
            let am = Self.mixedOrderAm(alpha: alpha, twoKTmOverE: twoKTmOverE)
            let rm = (am + alpha) / (am - alpha)
            let e1 = expClamped((1 - twoKTmOverE) / rm)
            let front = im * (e1 - alpha) * (e1 - alpha) / e1
            for i in temperatures.indices {
                let t = temperatures[i]
                let delta = eOverK / t * (t - tm) / tm
                let ratio = t / tm
                let x3 = ratio * ratio / rm * expClamped(min(delta, 700)) * (1 - 2 * k * t / e)
                // e₂·e₃/(e₃−α)² = e^Δ / (e₃·(1 − α/e₃)²)
                let v: Double
                if x3 > 700 {
                    v = 0
                } else {
                    let e3 = expClamped(x3)
                    let q = 1 - alpha / e3
                    v = front * expClamped(delta - x3) / (q * q)
                }
                out[i] += v
                if !v.isFinite { ok = false }
            }
        case .oneTrapOneRecombinationCentre:
            // Kitis & Vlachos 2013, as in tgcd's tgcfunc_lw1.f90:
            // I = Im·exp[−(E/k)(1/T − 1/Tm)]·(W(zm) + W(zm)²)/(W(z) + W(z)²), with
            // R < 1: z = R/(1−R) − ln((1−R)/R) + (E e^(E/kTm)/(kTm²))·F(T)/(1 − 1.05 R^1.26), W = W₀(eᶻ);
            // R > 1: z = |R/(1−R)| + ln|(1−R)/R| + (…)·F(T)/(2.963 − 3.24 R^(−0.74)), W = W₋₁(−e^(−z));
            // F(T) = ∫ from T₀ to T of e^(−E/kθ) dθ = G(T) − G(T₀), G(T) = T·e^(−E/kT)·(1 − x·eˣE₁(x)).
            let r = shape
            let xm = eOverK / tm
            // (E e^(E/kTm)/(kTm²))·F(T) = (E/kTm²)·T·e^(E/kTm − E/kT)·(1 − …) − same at T₀.
            func scaledF(_ t: Double) -> Double {
                let x = eOverK / t
                return eOverK / (tm * tm) * t * expClamped(min(xm - x, 700)) * ExponentialIntegral.oneMinusXScaledE1(x)
            }
            let f0 = scaledF(startKelvin)
            let below = r < 1
            let c0: Double
            let denom: Double
            if below {
                c0 = r / (1 - r) - Double.log((1 - r) / r)
                denom = 1 - 1.05 * Double.pow(r, 1.26)
            } else {
                c0 = abs(r / (1 - r)) + Double.log(abs((1 - r) / r))
                denom = 2.963 - 3.24 * Double.pow(r, -0.74)
            }
            func wOf(_ z: Double) -> Double {
                below ? LambertW.wrightOmega(z) : LambertW.wm1OfMinusExpMinus(z)
            }
            let zm = c0 + (scaledF(tm) - f0) / denom
            let wm = wOf(zm)
            let numerator = wm + wm * wm
            for i in temperatures.indices {
                let t = temperatures[i]
                let z = c0 + (scaledF(t) - f0) / denom
                let w = wOf(z)
                let v = im * numerator / (w + w * w) * expClamped(-eOverK * (1 / t - 1 / tm))
                out[i] += v
                if !v.isFinite { ok = false }
            }
        }
        return ok
    }

    /// Exact first order with analytic derivatives: adds I (Im = 1) to `value` and ∂I/∂E, ∂I/∂Tm to
    /// `dE`, `dTm`. With x = E/kT, xm = E/kTm, g(x) = 1 − x·eˣE₁(x) and g′(x) = 1 − (1 − g)(1 + x)/x
    /// (from d(eˣE₁)/dx = eˣE₁ − 1/x, A&S 5.1.26):
    /// ln I = xm − x + xm·g(xm) − F(T), F(T) = (xm/Tm)·T·e^(xm−x)·g(x).
    /// Returns false when a value is not finite.
    func accumulateFirstOrderWithDerivatives(
        value: inout [Double], dE: inout [Double], dTm: inout [Double], temperatures: [Double]
    ) -> Bool {
        let k = boltzmannElectronVoltPerKelvin
        let e = activationEnergyElectronVolt, tm = maximumTemperatureKelvin
        let xm = e / (k * tm)
        let gm = ExponentialIntegral.oneMinusXScaledE1(xm)
        let gpm = 1 - (1 - gm) * (1 + xm) / xm
        let fm = xm * gm
        let dFmdE = (xm / e) * (gm + xm * gpm)
        let dFmdTm = -(xm / tm) * (gm + xm * gpm)
        var ok = true
        for i in temperatures.indices {
            let t = temperatures[i]
            let x = e / (k * t)
            let g = ExponentialIntegral.oneMinusXScaledE1(x)
            let gp = 1 - (1 - g) * (1 + x) / x
            let ex = expClamped(xm - x)
            let base = (xm / tm) * t * ex
            let ft = base * g
            let v = expClamped(xm - x + fm - ft)
            let dFtdE = ft * (1 + (xm - x)) / e + base * gp * x / e
            let dFtdTm = ft * (-2 - xm) / tm
            let dlnE = (xm - x) / e + dFmdE - dFtdE
            let dlnTm = -xm / tm + dFmdTm - dFtdTm
            value[i] += v
            dE[i] += v * dlnE
            dTm[i] += v * dlnTm
            if !v.isFinite { ok = false }
        }
        return ok
    }

    /// Kitis 1998 first order with analytic derivatives (Im = 1), as for the exact form:
    /// ln I = 1 + Δ − Q − 2kTm/E, Δ = (E/k)(1/Tm − 1/T), Q = (T/Tm)²·e^Δ·(1 − 2kT/E);
    /// ∂Δ/∂E = Δ/E, ∂Δ/∂Tm = −E/(kTm²), ∂Q/∂E = QΔ/E + (T/Tm)²e^Δ·2kT/E², ∂Q/∂Tm = Q(∂Δ/∂Tm − 2/Tm).
    func accumulateKitisFirstOrderWithDerivatives(
        value: inout [Double], dE: inout [Double], dTm: inout [Double], temperatures: [Double]
    ) -> Bool {
        let k = boltzmannElectronVoltPerKelvin
        let e = activationEnergyElectronVolt, tm = maximumTemperatureKelvin
        let dDeltaTm = -e / (k * tm * tm)
        var ok = true
        for i in temperatures.indices {
            let t = temperatures[i]
            let delta = e / k * (1 / tm - 1 / t)
            let r2 = (t / tm) * (t / tm)
            let ed = expClamped(min(delta, 700))
            let q0 = r2 * ed
            let q = q0 * (1 - 2 * k * t / e)
            let v = expClamped(1 + delta - q - 2 * k * tm / e)
            let dQdE = q * delta / e + q0 * 2 * k * t / (e * e)
            let dQdTm = q * (dDeltaTm - 2 / tm)
            let dlnE = delta / e - dQdE + 2 * k * tm / (e * e)
            let dlnTm = dDeltaTm - dQdTm - 2 * k / e
            value[i] += v
            dE[i] += v == 0 ? 0 : v * dlnE
            dTm[i] += v == 0 ? 0 : v * dlnTm
            if !v.isFinite { ok = false }
        }
        return ok
    }

    /// General order (Kitis et al. 1998) with analytic derivatives (Im = 1): adds I to `value` and
    /// ∂I/∂E, ∂I/∂Tm, ∂I/∂b to `dE`, `dTm`, `dB`. With p = b/(b−1), A₀ = (1 − 2kT/E)(T/Tm)²,
    /// A = (b−1)A₀, c = 1 + (b−1)·2kTm/E, Δ = (E/k)(1/Tm − 1/T), D = A·e^Δ + c:
    /// ln I = p·ln b + Δ − p·ln D, so
    /// ∂lnI/∂E = Δ/E − p·[(b−1)(T/Tm)²(2kT/E²)e^Δ + A·e^Δ·Δ/E − (b−1)2kTm/E²]/D,
    /// ∂lnI/∂Tm = −E/(kTm²) − p·[A·e^Δ(−2/Tm − E/(kTm²)) + (b−1)2k/E]/D,
    /// ∂lnI/∂b = 1/(b−1) − ln b/(b−1)² + ln D/(b−1)² − p·[A₀e^Δ + 2kTm/E]/D.
    /// Ratios e^Δ/D and 1/D are formed on the side that does not overflow (as ln D is in
    /// ``accumulate(into:temperatures:startKelvin:scale:)``, whose value this reproduces bit for bit).
    /// Returns false when a value is not finite.
    func accumulateGeneralOrderWithDerivatives(
        value: inout [Double], dE: inout [Double], dTm: inout [Double], dB: inout [Double], temperatures: [Double]
    ) -> Bool {
        let k = boltzmannElectronVoltPerKelvin
        let e = activationEnergyElectronVolt, tm = maximumTemperatureKelvin
        let b = shape
        let p = b / (b - 1)
        let logB = Double.log(b)
        let logPrefactor = p * logB
        let eOverK = e / k
        let twoKTmOverE = 2 * k * tm / e
        let c = 1 + (b - 1) * twoKTmOverE
        let dcdE = -(b - 1) * twoKTmOverE / e
        let dcdTm = (b - 1) * 2 * k / e
        let dDeltaTm = -e / (k * tm * tm)
        let bm1Squared = (b - 1) * (b - 1)
        let dPrefactorB = 1 / (b - 1) - logB / bm1Squared
        var ok = true
        for i in temperatures.indices {
            let t = temperatures[i]
            let delta = eOverK / t * (t - tm) / tm
            let ratio = t / tm
            let a0 = (1 - 2 * k * t / e) * ratio * ratio
            let a = (b - 1) * (1 - 2 * k * t / e) * ratio * ratio
            // logBase = ln D; eD = e^Δ/D; invD = 1/D.
            let logBase: Double, eD: Double, invD: Double
            if delta > 0 {
                let em = expClamped(-delta)
                let den = a + c * em
                logBase = delta + Double.log(den)
                eD = 1 / den
                invD = em / den
            } else {
                let ed = expClamped(delta)
                let d = a * ed + c
                logBase = Double.log(d)
                eD = ed / d
                invD = 1 / d
            }
            let v = expClamped(logPrefactor + delta - p * logBase)
            let uD = a * eD
            let dLdE = (b - 1) * ratio * ratio * (2 * k * t / (e * e)) * eD + uD * delta / e + dcdE * invD
            let dLdTm = uD * (-2 / tm + dDeltaTm) + dcdTm * invD
            let dLdB = a0 * eD + twoKTmOverE * invD
            let dlnE = delta / e - p * dLdE
            let dlnTm = dDeltaTm - p * dLdTm
            let dlnB = dPrefactorB + logBase / bm1Squared - p * dLdB
            value[i] += v
            dE[i] += v == 0 ? 0 : v * dlnE
            dTm[i] += v == 0 ? 0 : v * dlnTm
            dB[i] += v == 0 ? 0 : v * dlnB
            if !v.isFinite { ok = false }
        }
        return ok
    }

    /// Solves Am = exp[(Am−α)/(Am+α)·(1 − 2kTm/E)] for Am > α (Kitis & Gomez-Ros 2000, eq. for the
    /// maximum condition), by bisection on [α, 10]. tgcd minimises the squared difference on [0.01, 10]
    /// (calcAm.f90); the root is the same.
    static func mixedOrderAm(alpha: Double, twoKTmOverE: Double) -> Double {
        let c = 1 - twoKTmOverE
        func g(_ a: Double) -> Double { Double.exp((a - alpha) / (a + alpha) * c) - a }
        // g(α) = 1 − α > 0; g(10) < 0 since exp(c) < e < 10.
        var lo = alpha, hi = 10.0
        for _ in 0..<80 {
            let mid = 0.5 * (lo + hi)
            if g(mid) > 0 { lo = mid } else { hi = mid }
            if hi - lo < 1e-14 * hi { break }
        }
        return 0.5 * (lo + hi)
    }

    /// The frequency factor s (per second) implied by E and Tm at linear heating rate β, from the
    /// condition of the maximum (Kitis et al. 1998; Chen & McKeever 1997):
    /// first order s = (βE/kTm²)·e^(E/kTm); general order s' = s_first / (1 + (b−1)·2kTm/E).
    /// For mixed order and OTOR the first-order expression is reported (an effective s).
    public func frequencyFactorPerSecond(heatingRateKelvinPerSecond beta: Double) -> Double {
        let k = boltzmannElectronVoltPerKelvin
        let e = activationEnergyElectronVolt, tm = maximumTemperatureKelvin
        let sFirst = beta * e / (k * tm * tm) * Double.exp(e / (k * tm))
        switch model {
        case .secondOrder: return sFirst / (1 + 2 * k * tm / e)
        case .generalOrder: return sFirst / (1 + (shape - 1) * 2 * k * tm / e)
        default: return sFirst
        }
    }
}

/// Why a peak model could not be evaluated. Each case says one thing.
public enum PeakModelError: Error, Sendable, Hashable, CustomStringConvertible {
    case parameterOutOfDomain(parameter: String, value: Double)
    case notFinite(model: PeakModel)

    public var description: String {
        switch self {
        case let .parameterOutOfDomain(p, v): "peak parameter \(p) = \(v) is outside the model's domain"
        case let .notFinite(m): "the \(m) peak gives a value that is not a finite number at these parameters"
        }
    }
}

/// eˣ that returns 0 below −708 and +∞ above 709 without entering libm's slow underflow/overflow
/// path (which costs more than the whole evaluation in the tails of a peak).
@inline(__always)
func expClamped(_ x: Double) -> Double {
    if x < -708 { return 0 }
    if x > 709 { return .infinity }
    return Double.exp(x)
}

extension GlowPeak {
    /// The value of `parameter` (the shape is b, α or R by model).
    func value(of parameter: PeakParameter) -> Double {
        switch parameter {
        case .maximumIntensity: maximumIntensity
        case .activationEnergy: activationEnergyElectronVolt
        case .maximumTemperature: maximumTemperatureKelvin
        case .shape: shape
        }
    }
}
