/// The automatic fit's plausibility pass (``AutomaticFitConfiguration/enforcePlausibility``) as one
/// state, the accepted fit with its constraints and remaining implausibilities, advanced round by
/// round: implausible peaks are held where they are plausible or dropped, and a trial is accepted
/// only with fewer implausibilities at a FOM within the tolerance. What cannot be made plausible is
/// left for ``GlowQuality/assess(_:of:dosimetricPeakIndex:limits:plausibleRanges:)`` to flag.
struct PlausibilityRefit {
    /// A refitted fit with the constraints it was made with, aligned with its peaks.
    struct Trial {
        var fit: GlowFit
        var constraints: [PeakConstraint]
    }

    let curve: GlowCurve
    let ranges: PlausibleRanges
    /// Whether a peak may be dropped (not when the user fixed the peak count).
    let mayDropPeaks: Bool
    /// The final fit's settings without restarts: refits start from a converged solution.
    let configuration: GlowFitConfiguration
    /// Trials are screened with fast least-squares fits; only the chosen one is refitted with the
    /// final objective.
    let screening: GlowFitConfiguration
    /// A refit is accepted at a FOM up to 10 % (or 0.1 percentage point) above the unconstrained fit's.
    let fomLimit: Double
    let maximumRounds: Int
    /// The accepted fit.
    private(set) var best: GlowFit
    /// The constraints of ``best``'s peaks, aligned with them.
    private(set) var constraints: [PeakConstraint]
    /// ``best``'s implausible parameters.
    private(set) var issues: [(peak: Int, reason: Implausibility)]

    init(_ fit: GlowFit, curve: GlowCurve, configuration: GlowFitConfiguration, ranges: PlausibleRanges, mayDropPeaks: Bool) {
        self.curve = curve
        self.ranges = ranges
        self.mayDropPeaks = mayDropPeaks
        var configuration = configuration
        configuration.restarts = 0
        self.configuration = configuration
        var screening = configuration
        screening.objective = .leastSquares
        screening.maxIterations = min(configuration.maxIterations, 100)
        self.screening = screening
        fomLimit = max(fit.figureOfMeritPercent * 1.1, fit.figureOfMeritPercent + 0.1)
        maximumRounds = min(2 * fit.peaks.count + 2, 6)
        best = fit
        constraints = [PeakConstraint](repeating: .free, count: fit.peaks.count)
        issues = ParameterPlausibility.assess(fit, ranges: ranges)
    }

    /// Rounds until nothing is implausible, no trial is accepted, or the round limit; returns the
    /// accepted fit (the given one when nothing helps).
    mutating func run() -> GlowFit {
        var rounds = 0
        while !issues.isEmpty && rounds < maximumRounds {
            rounds += 1
            guard let (trial, trialIssues) = acceptedTrial(among: trials()) else { break }
            best = trial.fit
            constraints = trial.constraints
            issues = trialIssues
        }
        return best
    }

    /// One round's screened trials, from the current fit.
    func trials() -> [Trial] {
        var trials: [Trial] = []
        if let held = refit(best.peaks.map(\.peak), heldWherePlausible()) { trials.append(held) }
        if mayDropPeaks && best.peaks.count > 1 { trials += implausiblePeaksDropped() }
        return trials
    }

    /// Trial 1: every implausible peak held where it is plausible (E in the window where s is
    /// plausible, b fixed at the first-order limit when it sits there); refitting from the current
    /// solution also re-centres Tm's freedom.
    func heldWherePlausible() -> [PeakConstraint] {
        var held = constraints
        for (i, reason) in issues {
            let p = best.peaks[i]
            switch reason {
            case .frequencyFactorOutOfRange, .onBound(.activationEnergy, _):
                if let w = ParameterPlausibility.energyWindow(
                    for: p.peak, heatingRateKelvinPerSecond: best.heatingRateKelvinPerSecond, ranges: ranges,
                    within: configuration.energyRangeElectronVolt) {
                    // A margin inside the window, since Tm still moves.
                    let span = w.upperBound - w.lowerBound
                    held[i].activationEnergy = .range((w.lowerBound + 0.01 * span)...(w.upperBound - 0.01 * span))
                }
            case let .onBound(.shape, value) where p.peak.model.hasShapeParameter
                && value <= p.peak.model.shapeRange.lowerBound + 1e-6:
                held[i].shape = .fixed(p.peak.model.shapeRange.lowerBound)
            default: break
            }
        }
        return held
    }

    /// Trial 2: each implausible peak dropped (up to three per round), the rest refitted.
    func implausiblePeaksDropped() -> [Trial] {
        var trials: [Trial] = []
        var tried = Set<Int>()
        for (i, _) in issues where !tried.contains(i) && tried.count < 3 {
            tried.insert(i)
            var peaks = best.peaks.map(\.peak), c = constraints
            peaks.remove(at: i)
            c.remove(at: i)
            if let trial = refit(peaks, c) { trials.append(trial) }
        }
        return trials
    }

    /// A fit from `peaks` under `constraints` (the screening settings unless given).
    func refit(_ peaks: [GlowPeak], _ constraints: [PeakConstraint], configuration: GlowFitConfiguration? = nil) -> Trial? {
        guard var f = try? GlowFitter.fit(curve, starting: peaks, constraints: constraints, configuration: configuration ?? screening)
        else { return nil }
        // E held in the window where s is plausible and sitting on its edge is a parameter at
        // the plausible limit, not one on an arbitrary bound.
        for j in f.peaks.indices {
            if case .range = constraints[f.peaks[j].startIndex].activationEnergy, f.peaks[j].parametersAtBound.contains(.activationEnergy) {
                f.peaks[j].parametersAtBound.remove(.activationEnergy)
                f.peaks[j].parametersAtPlausibleLimit.insert(.activationEnergy)
            }
        }
        // Re-align the constraints with the fitted peaks (sorted by Tm).
        return Trial(fit: f, constraints: f.peaks.map { constraints[$0.startIndex] })
    }

    /// The screened trial with the fewest implausibilities (then the lowest FOM), refitted with the
    /// final objective, if it keeps fewer implausibilities than the current fit within the FOM
    /// tolerance (one final refit per round).
    func acceptedTrial(among trials: [Trial]) -> (trial: Trial, issues: [(peak: Int, reason: Implausibility)])? {
        let ranked = trials.map { (trial: $0, issues: ParameterPlausibility.assess($0.fit, ranges: ranges)) }
            .filter { $0.issues.count < issues.count }
            .sorted { ($0.issues.count, $0.trial.fit.figureOfMeritPercent) < ($1.issues.count, $1.trial.fit.figureOfMeritPercent) }
        guard var chosen = ranked.first else { return nil }
        if screening != configuration {
            // Least squares gives a FOM up to about 15 % above the LAD objective's: a trial far
            // beyond the limit is not worth the final refit.
            guard chosen.trial.fit.figureOfMeritPercent <= 1.2 * fomLimit,
                  let final = refit(chosen.trial.fit.peaks.map(\.peak), chosen.trial.constraints, configuration: configuration)
            else { return nil }
            chosen = (final, ParameterPlausibility.assess(final.fit, ranges: ranges))
        }
        guard chosen.trial.fit.figureOfMeritPercent <= fomLimit && chosen.issues.count < issues.count else { return nil }
        return chosen
    }
}
