import RealModule

/// What the fitter minimises.
public enum FitObjective: String, Sendable, Hashable {
    /// Σ(fit − y)².
    case leastSquares
    /// Σ|fit − y|, i.e. the figure of merit itself (iteratively reweighted least squares:
    /// Holland & Welsch, Commun. Stat. A 6 (1977) 813).
    case leastAbsolute
}

/// The background fitted together with the peaks.
public enum BackgroundTerm: String, Sendable, Hashable {
    /// No background (the curve is already net of dark counts).
    case none
    /// A constant A per channel (dark counts).
    case constant
    /// A + B·exp(T/C): dark counts plus incandescence (tgcd's background term).
    case incandescence
}

/// Settings of one fit.
public struct GlowFitConfiguration: Sendable, Hashable {
    public var objective: FitObjective = .leastAbsolute
    public var background: BackgroundTerm = .none
    /// Iteration cap of each Levenberg–Marquardt run.
    public var maxIterations = 200
    /// A run stops when an accepted step lowers the cost by less than this fraction.
    public var relativeCostTolerance = 1e-12
    /// Number of deterministic extra starts (perturbations of the given start) besides the start itself.
    public var restarts = 0
    /// Linear heating rate β, K/s, used for the frequency factor. When nil it is taken from the curve's
    /// times if present, else 1 K/s (stated in the result).
    public var heatingRateKelvinPerSecond: Double? = nil
    /// Allowed activation energies, eV.
    public var energyRangeElectronVolt: ClosedRange<Double> = 0.5...3.5
    /// How far Tm may move from its start, kelvin.
    public var maximumTemperatureFreedomKelvin = 40.0
    /// The smallest distance allowed between two peaks' Tm, kelvin (tgcd's `mdt`). When set, each Tm
    /// is held on its side of the midpoint between neighbouring starts, `distance/2` away from it,
    /// so no two fitted peaks come closer than this. nil: no such bound.
    public var minimumPeakDistanceKelvin: Double? = nil

    public init() {}
}

/// The fitted incandescence/dark background A + B·exp(T/C), stored as A + B′·exp((T − T_ref)/C).
public struct FittedBackground: Sendable, Hashable {
    public var constantCounts: Double
    /// B′: the exponential term's value at `referenceKelvin`.
    public var exponentialAtReferenceCounts: Double
    public var referenceKelvin: Double
    /// C, kelvin (infinite when there is no exponential term).
    public var scaleKelvin: Double

    /// B in A + B·exp(T/C) (may underflow to 0 for small C).
    public var exponentialPrefactorCounts: Double {
        scaleKelvin.isFinite ? exponentialAtReferenceCounts * Double.exp(-referenceKelvin / scaleKelvin) : 0
    }

    public func counts(atKelvin t: Double) -> Double {
        constantCounts + (scaleKelvin.isFinite ? exponentialAtReferenceCounts * Double.exp((t - referenceKelvin) / scaleKelvin) : 0)
    }
}

/// One fitted peak with its standard errors and area.
public struct FittedPeak: Sendable, Hashable {
    public var peak: GlowPeak
    /// Σ of the peak over the curve's channels (same unit as ``GlowCurve/integral(over:)``).
    public var areaCounts: Double
    /// One-standard-error uncertainties (from the covariance σ²(JᵀJ)⁻¹); NaN where not estimable.
    public var maximumIntensityError: Double
    public var activationEnergyErrorElectronVolt: Double
    public var maximumTemperatureErrorKelvin: Double
    public var shapeError: Double
    /// Frequency factor s at the fit's heating rate, per second.
    public var frequencyFactorPerSecond: Double
    /// Parameters the fit left on a bound of their allowed range: their uncertainty is not
    /// estimable (reported as "at bound", not as a number).
    public var parametersAtBound: Set<PeakParameter> = []
    /// Parameters the automatic fit held at the edge of their physically plausible window (E where s
    /// reaches the end of ``PlausibleRanges/frequencyFactorPerSecond``); not estimable either.
    public var parametersAtPlausibleLimit: Set<PeakParameter> = []
    /// Parameters held at a value given by the user.
    public var fixedParameters: Set<PeakParameter> = []
    /// Index of the starting peak (and its constraint) this peak was fitted from.
    public var startIndex: Int = 0

    /// The one-standard-error uncertainty of `parameter` (NaN when not estimable).
    public func uncertainty(of parameter: PeakParameter) -> Double {
        switch parameter {
        case .maximumIntensity: maximumIntensityError
        case .activationEnergy: activationEnergyErrorElectronVolt
        case .maximumTemperature: maximumTemperatureErrorKelvin
        case .shape: shapeError
        }
    }

    /// The fitted value of `parameter`.
    public func value(of parameter: PeakParameter) -> Double {
        switch parameter {
        case .maximumIntensity: peak.maximumIntensity
        case .activationEnergy: peak.activationEnergyElectronVolt
        case .maximumTemperature: peak.maximumTemperatureKelvin
        case .shape: peak.shape
        }
    }
}

/// The result of a glow-curve fit.
public struct GlowFit: Sendable, Hashable {
    public var model: PeakModel
    public var peaks: [FittedPeak]
    public var background: FittedBackground?
    /// The fitted curve (sum of peaks and background) at each channel.
    public var fittedCounts: [Double]
    /// Each peak's curve at each channel, in the order of ``peaks``.
    public var componentCounts: [[Double]]
    /// The background at each channel (zeros when none was fitted).
    public var backgroundCounts: [Double]
    /// FOM = Σ|y − fit| / Σ fit × 100, percent (Balian & Eddy, NIM 145 (1977) 389).
    public var figureOfMeritPercent: Double
    public var sumOfSquares: Double
    /// Bayesian information criterion m·ln(RSS/m) + p·ln m (Schwarz 1978).
    public var bayesianInformationCriterion: Double
    /// The same criterion for Laplace (least-absolute) errors: 2m·ln(Σ|r|/m) + p·ln m.
    public var laplaceInformationCriterion: Double
    public var heatingRateKelvinPerSecond: Double
    public var iterations: Int
    public var starts: Int
    public var objective: FitObjective

    /// The information criterion that matches the objective (BIC for least squares, its Laplace form
    /// for least absolute deviations).
    public var informationCriterion: Double {
        objective == .leastSquares ? bayesianInformationCriterion : laplaceInformationCriterion
    }

    /// Residuals y − fit per channel.
    public func residuals(of curve: GlowCurve) -> [Double] {
        zip(curve.counts, fittedCounts).map { $0 - $1 }
    }
}

/// FOM = Σ|y − fit| / Σ fit × 100 (percent).
public func figureOfMeritPercent(observed: [Double], fitted: [Double]) -> Double {
    var num = 0.0, den = 0.0
    for (y, f) in zip(observed, fitted) {
        num += abs(y - f)
        den += f
    }
    return den > 0 ? num / den * 100 : .infinity
}

/// Fits a sum of kinetic peaks (and optionally a background) to a glow curve.
public enum GlowFitter {
    /// Fits from the given starting peaks (all of one model), with `configuration.restarts` extra
    /// deterministic starts; returns the best by the objective.
    /// - Parameter constraints: per starting peak, parameters held in a range or fixed (empty: all free).
    /// - Throws: ``GlowFitError`` when the problem is ill-posed or no start gives a finite fit.
    public static func fit(
        _ curve: GlowCurve, starting peaks: [GlowPeak], constraints: [PeakConstraint] = [],
        configuration: GlowFitConfiguration = .init()
    ) throws(GlowFitError) -> GlowFit {
        guard !peaks.isEmpty else { throw .noPeaksFound }
        guard constraints.isEmpty || constraints.count == peaks.count else {
            throw .constraintCountMismatch(peaks: peaks.count, constraints: constraints.count)
        }
        try requireTemperatureSpan(curve)
        if let beta = configuration.heatingRateKelvinPerSecond, !(beta.isFinite && beta > 0) {
            throw .invalidHeatingRate(beta)
        }
        let model = peaks[0].model
        let limits = constraints.isEmpty ? [PeakConstraint](repeating: .free, count: peaks.count) : constraints
        var peaks = peaks
        for i in peaks.indices {
            let c = limits[i]
            peaks[i].maximumIntensity = c.start(peaks[i].maximumIntensity, .maximumIntensity)
            peaks[i].activationEnergyElectronVolt = c.start(peaks[i].activationEnergyElectronVolt, .activationEnergy)
            peaks[i].maximumTemperatureKelvin = c.start(peaks[i].maximumTemperatureKelvin, .maximumTemperature)
            if model.hasShapeParameter { peaks[i].shape = c.start(peaks[i].shape, .shape) }
        }
        for p in peaks {
            do { try p.validate() } catch { throw .invalidStartingPeak(error) }
        }
        let problem = FitProblem(curve: curve, model: model, peakCount: peaks.count, configuration: configuration, constraints: limits)
        guard curve.channelCount > problem.parameterCount + 1 else {
            throw .tooFewChannels(channels: curve.channelCount, parameters: problem.parameterCount)
        }
        guard (curve.counts.max() ?? 0) > 0 else { throw .noSignal }
        let base = problem.pack(peaks)
        var best: (FitProblem.Solution, Int)? = nil
        var totalIterations = 0
        var rng = SplitMix64(seed: 0x5EED_61_0C)
        // With several starts and the least-absolute objective, every start runs its least-squares fit
        // and the first reweighting rounds, which is where the starts part ways (the basin); only the
        // best of them is reweighted on to convergence, since the remaining rounds only polish a basin
        // (they took three quarters of a GLOCANIN fit's time when every start ran them all).
        let screenRounds = configuration.restarts > 0 ? FitProblem.screeningReweightingRounds : FitProblem.reweightingRounds
        for attempt in 0...max(0, configuration.restarts) {
            var start = base
            if attempt > 0 { start = problem.perturb(base, attempt: attempt, rng: &rng) }
            guard let sol = problem.solve(from: start, reweightingRounds: screenRounds) else { continue }
            totalIterations += sol.iterations
            if sol.objectiveValue < (best?.0.objectiveValue ?? .infinity) { best = (sol, attempt) }
        }
        if screenRounds < FitProblem.reweightingRounds, let (sol, attempt) = best, let refined = problem.reweight(sol, rounds: FitProblem.reweightingRounds - screenRounds) {
            totalIterations += refined.iterations - sol.iterations
            best = (refined, attempt)
        }
        guard let (sol, _) = best else { throw .modelNotFinite }
        return problem.result(sol, iterations: totalIterations, starts: configuration.restarts + 1)
    }

    /// A curve whose temperature does not vary (a single temperature, or every channel at the same
    /// one) holds no glow curve to fit: the peak shapes would divide by a zero span.
    static func requireTemperatureSpan(_ curve: GlowCurve) throws(GlowFitError) {
        let lo = curve.temperatureKelvin.min() ?? 0, hi = curve.temperatureKelvin.max() ?? 0
        guard hi > lo else { throw .temperatureDoesNotVary(kelvin: lo) }
    }
}

/// Deterministic pseudo-random numbers (SplitMix64, Steele, Lea & Flood, OOPSLA 2014).
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
}

/// The parameter layout and the residual/Jacobian of one fit.
/// Layout: per peak [Im, E, Tm, (shape)], then background [A] or [A, B′, C].
struct FitProblem {
    let t: [Double]
    let y: [Double]
    let model: PeakModel
    let peakCount: Int
    let perPeak: Int
    let configuration: GlowFitConfiguration
    /// One per peak.
    let constraints: [PeakConstraint]
    let startKelvin: Double
    let endKelvin: Double
    let yMax: Double
    var backgroundCount: Int {
        switch configuration.background {
        case .none: 0
        case .constant: 1
        case .incandescence: 3
        }
    }
    var parameterCount: Int { peakCount * perPeak + backgroundCount }

    init(curve: GlowCurve, model: PeakModel, peakCount: Int, configuration: GlowFitConfiguration, constraints: [PeakConstraint]) {
        self.constraints = constraints
        t = curve.temperatureKelvin
        y = curve.counts
        self.model = model
        self.peakCount = peakCount
        perPeak = model.hasShapeParameter ? 4 : 3
        self.configuration = configuration
        startKelvin = t.first ?? 0
        endKelvin = t.last ?? 0
        yMax = max(curve.counts.max() ?? 1, 1e-300)
    }

    func pack(_ peaks: [GlowPeak]) -> [Double] {
        var p: [Double] = []
        for pk in peaks {
            p += [pk.maximumIntensity, pk.activationEnergyElectronVolt, pk.maximumTemperatureKelvin]
            if perPeak == 4 { p.append(pk.shape) }
        }
        switch configuration.background {
        case .none: break
        case .constant: p.append(max(0, y.min() ?? 0))
        case .incandescence: p += [max(0, y.min() ?? 0), max(0, (y.last ?? 0) * 0.5), 20]
        }
        return p
    }

    func peak(_ p: [Double], _ i: Int) -> GlowPeak {
        let o = i * perPeak
        return GlowPeak(
            model: model, maximumIntensity: p[o], activationEnergyElectronVolt: p[o + 1],
            maximumTemperatureKelvin: p[o + 2], shape: perPeak == 4 ? p[o + 3] : model.defaultShape)
    }

    func bounds(around start: [Double]) -> (lower: [Double], upper: [Double]) {
        var lo: [Double] = [], hi: [Double] = []
        let er = configuration.energyRangeElectronVolt
        let freedom = configuration.maximumTemperatureFreedomKelvin
        for i in 0..<peakCount {
            let o = i * perPeak
            let c = constraints[i]
            let im = c.narrow(lower: 0, upper: yMax * 5, .maximumIntensity)
            let e = c.narrow(lower: er.lowerBound, upper: er.upperBound, .activationEnergy)
            let tm = c.narrow(lower: max(startKelvin, min(start[o + 2], endKelvin) - freedom), upper: min(endKelvin, start[o + 2] + freedom), .maximumTemperature)
            lo += [im.0, e.0, tm.0]
            hi += [im.1, e.1, tm.1]
            if perPeak == 4 {
                let b = c.narrow(lower: model.shapeRange.lowerBound, upper: model.shapeRange.upperBound, .shape)
                lo.append(b.0)
                hi.append(b.1)
            }
        }
        // Minimum distance between peaks: each Tm stays on its side of the midpoint between
        // neighbouring starts, half the distance away from it.
        if let d = configuration.minimumPeakDistanceKelvin, d > 0, peakCount > 1 {
            let order = (0..<peakCount).sorted { start[$0 * perPeak + 2] < start[$1 * perPeak + 2] }
            for k in 1..<order.count {
                let a = order[k - 1] * perPeak + 2, b = order[k] * perPeak + 2
                let mid = 0.5 * (start[a] + start[b])
                hi[a] = min(hi[a], mid - d / 2)
                lo[b] = max(lo[b], mid + d / 2)
            }
            for i in 0..<peakCount {
                let j = i * perPeak + 2
                if lo[j] > hi[j] { let m = 0.5 * (lo[j] + hi[j]); lo[j] = m; hi[j] = m }
            }
        }
        switch configuration.background {
        case .none: break
        case .constant:
            lo.append(0); hi.append(yMax)
        case .incandescence:
            lo += [0, 0, 3]; hi += [yMax, yMax * 10, 200]
        }
        return (lo, hi)
    }

    /// Model curve at p into `out`; false if not finite.
    func evaluate(_ p: [Double], into out: inout [Double]) -> Bool {
        for i in out.indices { out[i] = 0 }
        var ok = true
        for i in 0..<peakCount {
            ok = peak(p, i).accumulate(into: &out, temperatures: t, startKelvin: startKelvin, scale: 1) && ok
        }
        addBackground(p, into: &out)
        return ok
    }

    func addBackground(_ p: [Double], into out: inout [Double]) {
        let b = peakCount * perPeak
        switch configuration.background {
        case .none: break
        case .constant:
            for i in out.indices { out[i] += p[b] }
        case .incandescence:
            for i in out.indices { out[i] += p[b] + p[b + 1] * Double.exp((t[i] - endKelvin) / p[b + 2]) }
        }
    }

    struct Solution {
        var parameters: [Double]
        var fitted: [Double]
        var objectiveValue: Double
        var iterations: Int
        /// The bounds the solution was found within.
        var lower: [Double] = []
        var upper: [Double] = []
    }

    /// Reweighting rounds of the least-absolute objective (iteratively reweighted least squares).
    static let reweightingRounds = 20
    /// Rounds every start of a multi-start fit runs before the best is refined (2: the same GLOCANIN results as 4, 7 % faster) (see ``GlowFitter/fit``).
    static let screeningReweightingRounds = 2

    /// Least squares, then (for the least-absolute objective) iteratively reweighted rounds.
    func solve(from start: [Double], reweightingRounds: Int = FitProblem.reweightingRounds) -> Solution? {
        let (lo, hi) = bounds(around: start)
        let weights = [Double](repeating: 1, count: y.count)
        var lm = LevenbergMarquardt()
        lm.maxIterations = configuration.maxIterations
        lm.relativeCostTolerance = configuration.relativeCostTolerance
        guard let first = run(lm, start, lo, hi, weights) else { return nil }
        var fitted = [Double](repeating: 0, count: y.count)
        guard evaluate(first.parameters, into: &fitted) else { return nil }
        let leastSquares = Solution(parameters: first.parameters, fitted: fitted, objectiveValue: objective(fitted),
                                    iterations: first.iterations, lower: lo, upper: hi)
        guard configuration.objective == .leastAbsolute else { return leastSquares }
        return reweight(leastSquares, rounds: reweightingRounds) ?? leastSquares
    }

    /// Continues the least-absolute objective from `solution` (within its bounds) for up to `rounds`
    /// reweighting rounds: weights 1/√|r| make the weighted squares approach Σ|r|. Returns the best
    /// solution seen (at least `solution` itself), its iterations added to the solution's.
    func reweight(_ solution: Solution, rounds: Int) -> Solution? {
        var lm = LevenbergMarquardt()
        lm.maxIterations = min(configuration.maxIterations, 30)
        lm.relativeCostTolerance = max(1e-9, configuration.relativeCostTolerance)
        let floor = 1e-7 * yMax
        var weights = [Double](repeating: 1, count: y.count)
        var best = solution
        var p = solution.parameters, fitted = solution.fitted, iterations = solution.iterations
        for _ in 0..<max(0, rounds) {
            for i in weights.indices { weights[i] = 1 / max(abs(fitted[i] - y[i]), floor).squareRoot() }
            guard let next = run(lm, p, solution.lower, solution.upper, weights) else { break }
            iterations += next.iterations
            var f = [Double](repeating: 0, count: y.count)
            guard evaluate(next.parameters, into: &f) else { break }
            let value = objective(f)
            p = next.parameters
            fitted = f
            if value < best.objectiveValue {
                let improvement = (best.objectiveValue - value) / max(best.objectiveValue, 1e-300)
                best = Solution(parameters: p, fitted: f, objectiveValue: value, iterations: iterations, lower: solution.lower, upper: solution.upper)
                if improvement < 1e-6 { break }
            } else {
                break
            }
        }
        best.iterations = iterations
        return best
    }

    func objective(_ fitted: [Double]) -> Double {
        var s = 0.0
        switch configuration.objective {
        case .leastSquares: for i in y.indices { let d = fitted[i] - y[i]; s += d * d }
        case .leastAbsolute: for i in y.indices { s += abs(fitted[i] - y[i]) }
        }
        return s
    }

    func run(_ lm: LevenbergMarquardt, _ start: [Double], _ lo: [Double], _ hi: [Double], _ w: [Double]) -> LevenbergMarquardt.Outcome? {
        let m = y.count
        return lm.minimize(
            start: start, lower: lo, upper: hi, residualCount: m,
            residuals: { p, r in
                guard evaluate(p, into: &r) else { return false }
                for i in 0..<m { r[i] = w[i] * (r[i] - y[i]) }
                return true
            },
            jacobian: { p, _, jac in jacobian(p, weights: w, into: &jac) })
    }

    /// Column-major Jacobian of the weighted residuals. Im and the background are analytic, and so are
    /// E and Tm of both first-order forms and E, Tm and b of the general order (the automatic fit's
    /// default model: one pass instead of four evaluations per peak); otherwise E, Tm and the shape by
    /// forward differences of that peak alone (relative step 1e-7, error ~1e-7 relative).
    func jacobian(_ p: [Double], weights w: [Double], into jac: inout [Double]) -> Bool {
        let m = y.count
        var base = [Double](repeating: 0, count: m)
        var bumped = [Double](repeating: 0, count: m)
        var extra = [Double](repeating: 0, count: m)
        var shapeColumn = [Double](repeating: 0, count: model == .generalOrder ? m : 0)
        for i in 0..<peakCount {
            let o = i * perPeak
            var pk = peak(p, i)
            let im = pk.maximumIntensity
            // Evaluate with unit Im so the Im column is exact even at Im = 0.
            pk.maximumIntensity = 1
            if model == .firstOrder || model == .firstOrderKitis {
                for k in 0..<m { base[k] = 0; bumped[k] = 0; extra[k] = 0 }
                let ok = model == .firstOrder
                    ? pk.accumulateFirstOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, temperatures: t)
                    : pk.accumulateKitisFirstOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, temperatures: t)
                guard ok else { return false }
                for k in 0..<m {
                    jac[o * m + k] = w[k] * base[k]
                    jac[(o + 1) * m + k] = w[k] * im * bumped[k]
                    jac[(o + 2) * m + k] = w[k] * im * extra[k]
                }
                continue
            }
            if model == .generalOrder {
                for k in 0..<m { base[k] = 0; bumped[k] = 0; extra[k] = 0; shapeColumn[k] = 0 }
                guard pk.accumulateGeneralOrderWithDerivatives(value: &base, dE: &bumped, dTm: &extra, dB: &shapeColumn, temperatures: t)
                else { return false }
                for k in 0..<m {
                    jac[o * m + k] = w[k] * base[k]
                    jac[(o + 1) * m + k] = w[k] * im * bumped[k]
                    jac[(o + 2) * m + k] = w[k] * im * extra[k]
                    jac[(o + 3) * m + k] = w[k] * im * shapeColumn[k]
                }
                continue
            }
            for k in 0..<m { base[k] = 0 }
            guard pk.accumulate(into: &base, temperatures: t, startKelvin: startKelvin, scale: 1) else { return false }
            for k in 0..<m { jac[o * m + k] = w[k] * base[k] }
            for q in 1..<perPeak {
                var moved = pk
                let value = p[o + q]
                let h = max(abs(value) * 1e-7, 1e-9)
                switch q {
                case 1: moved.activationEnergyElectronVolt = value + h
                case 2: moved.maximumTemperatureKelvin = value + h
                default: moved.shape = value + h
                }
                for k in 0..<m { bumped[k] = 0 }
                guard moved.accumulate(into: &bumped, temperatures: t, startKelvin: startKelvin, scale: 1) else { return false }
                let col = (o + q) * m
                for k in 0..<m { jac[col + k] = w[k] * im * (bumped[k] - base[k]) / h }
            }
        }
        let b = peakCount * perPeak
        switch configuration.background {
        case .none: break
        case .constant:
            for k in 0..<m { jac[b * m + k] = w[k] }
        case .incandescence:
            let c = p[b + 2]
            for k in 0..<m {
                let e = Double.exp((t[k] - endKelvin) / c)
                jac[b * m + k] = w[k]
                jac[(b + 1) * m + k] = w[k] * e
                jac[(b + 2) * m + k] = w[k] * p[b + 1] * e * (-(t[k] - endKelvin) / (c * c))
            }
        }
        return true
    }

    /// A deterministic perturbation of the start: E ×(0.75…1.33), Tm ±3 K, shape across its range.
    func perturb(_ p: [Double], attempt: Int, rng: inout SplitMix64) -> [Double] {
        var q = p
        let er = configuration.energyRangeElectronVolt
        for i in 0..<peakCount {
            let o = i * perPeak
            q[o + 1] = min(max(p[o + 1] * Double.exp((rng.unit() - 0.5) * 0.6), er.lowerBound), er.upperBound)
            q[o + 2] = p[o + 2] + (rng.unit() - 0.5) * 6
            q[o] = p[o] * (0.8 + 0.4 * rng.unit())
            if perPeak == 4 {
                let r = model.shapeRange
                q[o + 3] = r.lowerBound + (r.upperBound - r.lowerBound) * (0.05 + 0.9 * rng.unit())
            }
        }
        return q
    }

    func result(_ sol: Solution, iterations: Int, starts: Int) -> GlowFit {
        let m = y.count
        let p = sol.parameters
        let n = parameterCount
        var components: [[Double]] = []
        var fittedPeaks: [FittedPeak] = []
        // Unweighted covariance σ²(JᵀJ)⁻¹ at the solution.
        let ones = [Double](repeating: 1, count: m)
        var jac = [Double](repeating: 0, count: m * n)
        var rss = 0.0
        for k in 0..<m { let d = sol.fitted[k] - y[k]; rss += d * d }
        var errors = [Double](repeating: .nan, count: n)
        let (lo, hi) = sol.lower.count == n ? (sol.lower, sol.upper) : bounds(around: sol.parameters)
        let atBound = (0..<n).map { j in
            let span = max(hi[j] - lo[j], 1e-300)
            return hi[j] > lo[j] && ((p[j] - lo[j]) <= 1e-6 * span || (hi[j] - p[j]) <= 1e-6 * span)
        }
        if jacobian(p, weights: ones, into: &jac) {
            var a = [Double](repeating: 0, count: n * n)
            var g = [Double](repeating: 0, count: n)
            LevenbergMarquardt().normalEquations(jac, [Double](repeating: 0, count: m), m: m, n: n, a: &a, g: &g)
            // Parameters held on a bound are fixed: the covariance is that of the free ones.
            let free = (0..<n).filter { j in a[j * n + j] > 0 && !atBound[j] }
            let nf = free.count
            if nf > 0 {
                // Scale to unit diagonal for a stable inverse.
                var sub = [Double](repeating: 0, count: nf * nf)
                var d = [Double](repeating: 0, count: nf)
                for (ii, i) in free.enumerated() { d[ii] = 1 / a[i * n + i].squareRoot() }
                for (ii, i) in free.enumerated() {
                    for (jj, j) in free.enumerated() { sub[ii * nf + jj] = a[i * n + j] * d[ii] * d[jj] }
                }
                if let inv = symmetricInverse(sub, n: nf) {
                    let s2 = rss / Double(max(1, m - nf))
                    for (ii, j) in free.enumerated() { errors[j] = (s2 * inv[ii * nf + ii]).squareRoot() * d[ii] }
                }
            }
        }
        let beta = configuration.heatingRateKelvinPerSecond ?? 1
        for i in 0..<peakCount {
            var comp = [Double](repeating: 0, count: m)
            let pk = peak(p, i)
            _ = pk.accumulate(into: &comp, temperatures: t, startKelvin: startKelvin, scale: 1)
            components.append(comp)
            let o = i * perPeak
            fittedPeaks.append(FittedPeak(
                peak: pk, areaCounts: comp.reduce(0, +),
                maximumIntensityError: errors[o], activationEnergyErrorElectronVolt: errors[o + 1],
                maximumTemperatureErrorKelvin: errors[o + 2], shapeError: perPeak == 4 ? errors[o + 3] : .nan,
                frequencyFactorPerSecond: pk.frequencyFactorPerSecond(heatingRateKelvinPerSecond: beta),
                parametersAtBound: Set(PeakParameter.allCases.prefix(perPeak).enumerated().filter { atBound[o + $0.offset] }.map(\.element)),
                fixedParameters: constraints[i].fixedParameters, startIndex: i))
        }
        var bg = [Double](repeating: 0, count: m)
        addBackground(p, into: &bg)
        var background: FittedBackground? = nil
        let b = peakCount * perPeak
        switch configuration.background {
        case .none: break
        case .constant:
            background = FittedBackground(constantCounts: p[b], exponentialAtReferenceCounts: 0, referenceKelvin: endKelvin, scaleKelvin: .infinity)
        case .incandescence:
            background = FittedBackground(constantCounts: p[b], exponentialAtReferenceCounts: p[b + 1], referenceKelvin: endKelvin, scaleKelvin: p[b + 2])
        }
        // Sort peaks by temperature for a stable presentation.
        let order = fittedPeaks.indices.sorted { fittedPeaks[$0].peak.maximumTemperatureKelvin < fittedPeaks[$1].peak.maximumTemperatureKelvin }
        let bic = Double(m) * Double.log(max(rss, 1e-300) / Double(m)) + Double(n) * Double.log(Double(m))
        var sumAbs = 0.0
        for k in 0..<m { sumAbs += abs(sol.fitted[k] - y[k]) }
        let laplace = 2 * Double(m) * Double.log(max(sumAbs, 1e-300) / Double(m)) + Double(n) * Double.log(Double(m))
        return GlowFit(
            model: model, peaks: order.map { fittedPeaks[$0] }, background: background, fittedCounts: sol.fitted,
            componentCounts: order.map { components[$0] }, backgroundCounts: bg,
            figureOfMeritPercent: figureOfMeritPercent(observed: y, fitted: sol.fitted), sumOfSquares: rss,
            bayesianInformationCriterion: bic, laplaceInformationCriterion: laplace, heatingRateKelvinPerSecond: beta, iterations: iterations,
            starts: starts, objective: configuration.objective)
    }
}
