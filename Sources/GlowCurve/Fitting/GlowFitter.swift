import RealModule

/// Fits a sum of kinetic peaks (and optionally a background) to a glow curve.
public enum GlowFitter {
    /// The seed of the random source that perturbs the extra starts: the same curve gives the same
    /// fit on every run.
    static let perturbationSeed: UInt64 = 0x5EED_61_0C

    /// Fits from the given starting peaks (all of one model), with `configuration.restarts` extra
    /// deterministic starts; returns the best by the objective.
    /// - Parameter constraints: per starting peak, parameters held in a range or fixed (empty: all free).
    /// - Throws: ``GlowFitError`` when the problem is ill-posed or no start gives a finite fit.
    public static func fit(
        _ curve: GlowCurve, starting peaks: [GlowPeak], constraints: [PeakConstraint] = [],
        configuration: GlowFitConfiguration = .init()
    ) throws(GlowFitError) -> GlowFit {
        var random = SplitMix64(seed: perturbationSeed)
        return try fit(curve, starting: peaks, constraints: constraints, configuration: configuration, random: &random)
    }

    /// ``fit(_:starting:constraints:configuration:)`` with the extra starts perturbed by numbers from
    /// `random`.
    static func fit(
        _ curve: GlowCurve, starting peaks: [GlowPeak], constraints: [PeakConstraint] = [],
        configuration: GlowFitConfiguration = .init(), random: inout some RandomSource
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
        var best: FitProblem.Solution? = nil
        var totalIterations = 0
        // With several starts and the least-absolute objective, every start runs its least-squares fit
        // and the first reweighting rounds, which is where the starts part ways (the basin); only the
        // best of them is reweighted on to convergence, since the remaining rounds only polish a basin
        // (they took three quarters of a GLOCANIN fit's time when every start ran them all).
        let screenRounds = configuration.restarts > 0 ? FitProblem.screeningReweightingRounds : FitProblem.reweightingRounds
        for attempt in 0...max(0, configuration.restarts) {
            let start = attempt == 0 ? base : problem.perturb(base, random: &random)
            guard let sol = problem.solve(from: start, reweightingRounds: screenRounds) else { continue }
            totalIterations += sol.iterations
            if sol.objectiveValue < (best?.objectiveValue ?? .infinity) { best = sol }
        }
        if screenRounds < FitProblem.reweightingRounds, let sol = best, let refined = problem.reweight(sol, rounds: FitProblem.reweightingRounds - screenRounds) {
            totalIterations += refined.iterations - sol.iterations
            best = refined
        }
        guard let best else { throw .modelNotFinite }
        return problem.result(best, iterations: totalIterations, starts: configuration.restarts + 1)
    }

    /// A curve whose temperature does not vary (a single temperature, or every channel at the same
    /// one) holds no glow curve to fit: the peak shapes would divide by a zero span.
    static func requireTemperatureSpan(_ curve: GlowCurve) throws(GlowFitError) {
        let lo = curve.temperatureKelvin.min() ?? 0, hi = curve.temperatureKelvin.max() ?? 0
        guard hi > lo else { throw .temperatureDoesNotVary(kelvin: lo) }
    }
}

extension FitProblem {
    /// An extra start: per peak E ×(0.75…1.33) within the allowed range, Tm ±3 K, Im ×(0.8…1.2) and
    /// the shape anywhere in the inner 90 % of its range, drawn from `random` in that order.
    func perturb(_ p: [Double], random: inout some RandomSource) -> [Double] {
        var q = p
        let er = configuration.energyRangeElectronVolt
        for i in 0..<peakCount {
            let im = layout.index(.maximumIntensity, ofPeak: i)
            let e = layout.index(.activationEnergy, ofPeak: i)
            let tm = layout.index(.maximumTemperature, ofPeak: i)
            q[e] = min(max(p[e] * Double.exp((random.unit() - 0.5) * 0.6), er.lowerBound), er.upperBound)
            q[tm] = p[tm] + (random.unit() - 0.5) * 6
            q[im] = p[im] * (0.8 + 0.4 * random.unit())
            if model.hasShapeParameter {
                let r = model.shapeRange
                q[layout.index(.shape, ofPeak: i)] = r.lowerBound + (r.upperBound - r.lowerBound) * (0.05 + 0.9 * random.unit())
            }
        }
        return q
    }
}
