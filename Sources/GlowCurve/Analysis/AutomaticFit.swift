import RealModule

/// How many peaks to fit.
public enum PeakCount: Sendable, Hashable {
    /// Chosen by the data: peaks are added where the residual shows structure while the Bayesian
    /// information criterion improves (Schwarz, Ann. Stat. 6 (1978) 461).
    case automatic(maximum: Int)
    /// Exactly this many.
    case fixed(Int)
}

/// Settings of a fully automatic fit: no starting values from the user.
public struct AutomaticFitConfiguration: Sendable, Hashable {
    public var model: PeakModel = .generalOrder
    public var peakCount: PeakCount = .automatic(maximum: 10)
    public var material: MaterialPreset = .generic
    public var fit: GlowFitConfiguration = .init()
    /// Deterministic restarts of the final fit (perturbed starts; the best is kept).
    public var finalRestarts = 3
    /// A new peak is kept only if it lowers the BIC by at least this much.
    public var minimumInformationGain = 2.0
    /// When the fit has no background term, also try a constant and an A + B·exp(T/C) background
    /// after the peaks are chosen and keep one only if the information criterion improves.
    public var chooseBackground = true
    /// How many residual lobes (largest first) are tried as a new peak in each round.
    public var proposalsPerRound = 4
    /// A residual lobe is proposed only when its area exceeds this many noise standard deviations
    /// (local noise summed over the lobe); lobes within the noise carry no peak. 0 tries every lobe
    /// and leaves the choice to the information criterion alone.
    public var lobeSignificanceSigma = 0.0
    /// The ranges of physically plausible parameters (``ParameterPlausibility``).
    public var plausibleRanges: PlausibleRanges = .default
    /// After the final fit, a peak with an implausible parameter (on a bound, an uncertainty above
    /// its value, s outside ``plausibleRanges``) is refitted: its E held in the window where s is
    /// plausible, b fixed at the first-order limit when it sits there, or (automatic peak count) the
    /// peak dropped, whichever leaves fewer implausible parameters at a FOM no more than 10 % (or
    /// 0.1 percentage point) above the unconstrained fit's. What cannot be made plausible is left
    /// for ``GlowQuality/assess(_:of:dosimetricPeakIndex:limits:plausibleRanges:)`` to flag.
    public var enforcePlausibility = true
    /// Curves with more channels than this are refused (``GlowFitError/tooManyChannels(channels:limit:)``):
    /// a reader gives a few hundred channels, and the fit's cost grows with the channel count.
    public var maximumChannels = 20_000

    public init(model: PeakModel = .generalOrder, peakCount: PeakCount = .automatic(maximum: 10), material: MaterialPreset = .generic) {
        self.model = model
        self.peakCount = peakCount
        self.material = material
        fit.energyRangeElectronVolt = material.energyRangeElectronVolt
    }
}

/// Glow-curve deconvolution with automatic initialisation.
///
/// 1. Candidates from the smoothed curve: maxima and shoulders (second-derivative minima), with E from
///    the local curvature, plus the material preset's peaks aligned on the main maximum.
/// 2. A least-squares fit from those; then, while the residual has a positive lobe and the BIC
///    improves by ``AutomaticFitConfiguration/minimumInformationGain``, a peak is added at the lobe.
///    Peaks that carry almost nothing are dropped.
/// 3. The final fit with the requested objective and deterministic restarts.
/// Every step is deterministic: the same curve gives the same result on every run.
public enum AutomaticFitter {
    public static func fit(_ curve: GlowCurve, configuration: AutomaticFitConfiguration = .init()) throws(GlowFitError) -> GlowFit {
        guard curve.channelCount >= 8 else { throw .tooFewChannels(channels: curve.channelCount, parameters: 4) }
        guard curve.channelCount <= configuration.maximumChannels else {
            throw .tooManyChannels(channels: curve.channelCount, limit: configuration.maximumChannels)
        }
        try GlowFitter.requireTemperatureSpan(curve)
        guard (curve.counts.max() ?? 0) > 0 else { throw .noSignal }
        var fitConfig = configuration.fit
        if fitConfig.heatingRateKelvinPerSecond == nil { fitConfig.heatingRateKelvinPerSecond = curve.heatingRateKelvinPerSecond }
        if let beta = fitConfig.heatingRateKelvinPerSecond, !(beta.isFinite && beta > 0) { throw .invalidHeatingRate(beta) }
        let features = CurveFeatures(curve)
        let separation = max(resolutionKelvin(features), fitConfig.minimumPeakDistanceKelvin ?? 0)
        var starts = initialPeaks(curve, features: features, configuration: configuration)
        guard !starts.isEmpty else { throw .noPeaksFound }

        // Screening fits use least squares (fast, smooth); the objective is applied at the end.
        var screening = fitConfig
        screening.objective = .leastSquares
        screening.restarts = 0
        screening.maxIterations = 100

        let target: Int?
        let maximum: Int
        switch configuration.peakCount {
        case let .fixed(n): target = max(1, n); maximum = max(1, n)
        case let .automatic(m): target = nil; maximum = max(1, m)
        }
        if let target {
            starts = adjust(starts, toCount: target, curve: curve)
        } else if starts.count > maximum {
            starts = Array(starts.sorted { $0.maximumIntensity > $1.maximumIntensity }.prefix(maximum))
        }
        // The criterion matches the final objective: Gaussian BIC for least squares, Laplace for FOM.
        let criterion: (GlowFit) -> Double = fitConfig.objective == .leastSquares
            ? { $0.bayesianInformationCriterion } : { $0.laplaceInformationCriterion }
        var best = try GlowFitter.fit(curve, starting: starts, configuration: screening)
        /// Tries a constant, then an A + B·exp(T/C) background with the current peaks; keeps one only
        /// when the information criterion improves (before the peak search, so that peaks do not
        /// stand in for a background, and again after it).
        func chooseBackground() {
            guard configuration.chooseBackground && fitConfig.background == .none else { return }
            for term in [BackgroundTerm.constant, .incandescence] where screening.background != .incandescence && screening.background != term {
                var withBackground = screening
                withBackground.background = term
                guard let trial = try? GlowFitter.fit(curve, starting: best.peaks.map(\.peak), configuration: withBackground),
                      isResolved(trial, minimumSeparationKelvin: separation),
                      criterion(trial) < criterion(best) - configuration.minimumInformationGain
                else { continue }
                best = trial
                screening.background = term
            }
        }
        /// Backward elimination: a peak whose E sits on a bound or that carries under 1 % of the
        /// signal is dropped when the fit without it is no worse than the information gain a new
        /// peak would have to bring (the same rule as for adding).
        func eliminateDoubtfulPeaks() {
            var changed = true
            while changed && best.peaks.count > 1 {
                changed = false
                let total = best.peaks.reduce(0) { $0 + $1.areaCounts }
                let er = screening.energyRangeElectronVolt
                let tolerance = 1e-4 * (er.upperBound - er.lowerBound)
                let doubtful = best.peaks.indices.filter { i in
                    let p = best.peaks[i]
                    return p.peak.activationEnergyElectronVolt <= er.lowerBound + tolerance
                        || p.peak.activationEnergyElectronVolt >= er.upperBound - tolerance
                        || p.areaCounts < 0.01 * total
                }
                for i in doubtful {
                    var peaks = best.peaks.map(\.peak)
                    peaks.remove(at: i)
                    guard let trial = try? GlowFitter.fit(curve, starting: peaks, configuration: screening),
                          criterion(trial) <= criterion(best) + configuration.minimumInformationGain
                    else { continue }
                    best = trial
                    changed = true
                    break
                }
            }
        }
        if target == nil { eliminateDoubtfulPeaks() }
        chooseBackground()
        if target == nil {
            best = try prune(best, curve: curve, configuration: screening)
            var rounds = 0
            while best.peaks.count < maximum && rounds < 2 * maximum {
                rounds += 1
                let proposals = residualLobes(curve: curve, fit: best, features: features, significance: configuration.lobeSignificanceSigma)
                var improved: GlowFit? = nil
                for proposal in proposals.prefix(configuration.proposalsPerRound) {
                    var peaks = best.peaks.map(\.peak)
                    peaks.append(proposal)
                    guard let trial = try? GlowFitter.fit(curve, starting: peaks, configuration: screening) else { continue }
                    guard isResolved(trial, minimumSeparationKelvin: separation),
                          isPhysical(trial, energyRange: screening.energyRangeElectronVolt) else { continue }
                    if criterion(trial) < (improved.map(criterion) ?? criterion(best) - configuration.minimumInformationGain) {
                        improved = trial
                    }
                }
                guard let next = improved else { break }
                let pruned = try prune(next, curve: curve, configuration: screening)
                // A peak that is added and then dropped again means the data ask for no more.
                if pruned.peaks.count <= best.peaks.count { break }
                best = pruned
            }
        } else {
            while let target, best.peaks.count < target, let proposal = residualLobes(curve: curve, fit: best, features: features).first {
                best = try GlowFitter.fit(curve, starting: best.peaks.map(\.peak) + [proposal], configuration: screening)
            }
        }
        var final = fitConfig
        if target == nil { eliminateDoubtfulPeaks() }
        chooseBackground()
        final.background = screening.background
        final.restarts = configuration.finalRestarts
        // The screening fit already is the final fit when nothing about the fit changes.
        var sameAsScreening = final
        sameAsScreening.maxIterations = screening.maxIterations
        let result: GlowFit
        if sameAsScreening == screening {
            result = best
            final = screening
        } else {
            let finalFit = try GlowFitter.fit(curve, starting: best.peaks.map(\.peak), configuration: final)
            result = try prune(finalFit, curve: curve, configuration: final)
        }
        guard configuration.enforcePlausibility else { return result }
        return makePlausible(result, curve: curve, configuration: final, ranges: configuration.plausibleRanges, mayDropPeaks: target == nil)
    }

    /// Refits peaks whose parameters are implausible (see
    /// ``AutomaticFitConfiguration/enforcePlausibility``). Returns `fit` itself when nothing helps.
    static func makePlausible(
        _ fit: GlowFit, curve: GlowCurve, configuration: GlowFitConfiguration, ranges: PlausibleRanges, mayDropPeaks: Bool
    ) -> GlowFit {
        var configuration = configuration
        configuration.restarts = 0  // refits start from a converged solution
        // Trials are screened with fast least-squares fits; only the chosen one is refitted with the
        // final objective.
        var screening = configuration
        screening.objective = .leastSquares
        screening.maxIterations = min(configuration.maxIterations, 100)
        var best = fit
        // Constraints aligned with best.peaks.
        var constraints = [PeakConstraint](repeating: .free, count: best.peaks.count)
        var issues = ParameterPlausibility.assess(best, ranges: ranges)
        let fomLimit = max(fit.figureOfMeritPercent * 1.1, fit.figureOfMeritPercent + 0.1)
        var rounds = 0
        while !issues.isEmpty && rounds < min(2 * fit.peaks.count + 2, 6) {
            rounds += 1
            var trials: [(fit: GlowFit, constraints: [PeakConstraint])] = []
            func attempt(_ peaks: [GlowPeak], _ c: [PeakConstraint], configuration: GlowFitConfiguration = screening) {
                guard var f = try? GlowFitter.fit(curve, starting: peaks, constraints: c, configuration: configuration) else { return }
                // E held in the window where s is plausible and sitting on its edge is a parameter at
                // the plausible limit, not one on an arbitrary bound.
                for j in f.peaks.indices {
                    if case .range = c[f.peaks[j].startIndex].activationEnergy, f.peaks[j].parametersAtBound.contains(.activationEnergy) {
                        f.peaks[j].parametersAtBound.remove(.activationEnergy)
                        f.peaks[j].parametersAtPlausibleLimit.insert(.activationEnergy)
                    }
                }
                // Re-align the constraints with the fitted peaks (sorted by Tm).
                trials.append((f, f.peaks.map { c[$0.startIndex] }))
            }
            // 1. Every implausible peak held where it is plausible (E window for s, b fixed at the
            //    first-order limit when it sits there), refitted from the current solution (which also
            //    re-centres Tm's freedom).
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
            attempt(best.peaks.map(\.peak), held)
            // 2. Each implausible peak dropped (up to three per round).
            if mayDropPeaks && best.peaks.count > 1 {
                var tried = Set<Int>()
                for (i, _) in issues where !tried.contains(i) && tried.count < 3 {
                    tried.insert(i)
                    var peaks = best.peaks.map(\.peak), c = constraints
                    peaks.remove(at: i)
                    c.remove(at: i)
                    attempt(peaks, c)
                }
            }
            // Rank the screened trials (fewest implausibilities, then FOM); the first of them that,
            // refitted with the final objective, keeps fewer implausibilities within the FOM
            // tolerance is taken (one final refit per round).
            let ranked = trials.map { (trial: $0, issues: ParameterPlausibility.assess($0.fit, ranges: ranges)) }
                .filter { $0.issues.count < issues.count }
                .sorted { ($0.issues.count, $0.trial.fit.figureOfMeritPercent) < ($1.issues.count, $1.trial.fit.figureOfMeritPercent) }
            var accepted: (trial: (fit: GlowFit, constraints: [PeakConstraint]), issues: [(peak: Int, reason: Implausibility)])? = nil
            for candidate in ranked.prefix(1) {
                var chosen = candidate
                // Least squares gives a FOM up to about 15 % above the LAD objective's: a trial far
                // beyond the limit is not worth the final refit.
                if screening != configuration && candidate.trial.fit.figureOfMeritPercent > 1.2 * fomLimit { continue }
                if screening != configuration {
                    trials.removeAll()
                    attempt(candidate.trial.fit.peaks.map(\.peak), candidate.trial.constraints, configuration: configuration)
                    guard let refit = trials.first else { continue }
                    chosen = (refit, ParameterPlausibility.assess(refit.fit, ranges: ranges))
                }
                if chosen.trial.fit.figureOfMeritPercent <= fomLimit && chosen.issues.count < issues.count {
                    accepted = chosen
                    break
                }
            }
            guard let chosen = accepted else { break }
            best = chosen.trial.fit
            constraints = chosen.trial.constraints
            issues = chosen.issues
        }
        return best
    }

    /// Starting peaks from the curve's features and the material preset.
    static func initialPeaks(_ curve: GlowCurve, features: CurveFeatures, configuration: AutomaticFitConfiguration) -> [GlowPeak] {
        let model = configuration.model
        let er = configuration.fit.energyRangeElectronVolt
        let cands = features.candidates()
        guard let main = cands.max(by: { $0.heightCounts < $1.heightCounts }) else { return [] }
        let mainIndex = features.temperatureKelvin.firstIndex { $0 >= main.temperatureKelvin } ?? 0
        let width = max(features.fullWidthAtHalfMaximum(atChannel: mainIndex), 1)
        // E of the main peak from the curvature, else from the width (Chen 1969: E ≈ 2.52kTm²/ω − 2kTm).
        let k = boltzmannElectronVoltPerKelvin
        var mainE = main.energyEstimateElectronVolt
        if !mainE.isFinite { mainE = 2.52 * k * main.temperatureKelvin * main.temperatureKelvin / width - 2 * k * main.temperatureKelvin }
        mainE = clamp(mainE, er)
        var peaks: [GlowPeak] = []
        for c in cands {
            // Peaks of equal width have E ∝ Tm²: a shoulder borrows the main peak's width.
            var e = c.energyEstimateElectronVolt
            let widthBased = mainE * (c.temperatureKelvin / main.temperatureKelvin) * (c.temperatureKelvin / main.temperatureKelvin)
            if !e.isFinite || e > 2 * widthBased || e < 0.5 * widthBased { e = widthBased }
            peaks.append(GlowPeak(
                model: model, maximumIntensity: c.heightCounts * (c.isMaximum ? 0.9 : 0.5),
                activationEnergyElectronVolt: clamp(e, er), maximumTemperatureKelvin: c.temperatureKelvin))
        }
        // Preset peaks, aligned so the dosimetric peak sits on the main maximum, where no candidate is near.
        if let dosimetric = configuration.material.dosimetricPeak {
            let shift = main.temperatureKelvin - dosimetric.maximumTemperatureKelvin
            let lo = curve.temperatureKelvin.first ?? 0, hi = curve.temperatureKelvin.last ?? 0
            for p in configuration.material.peaks {
                let t = p.maximumTemperatureKelvin + shift
                guard t > lo + width / 2, t < hi - width / 2 else { continue }
                if peaks.contains(where: { abs($0.maximumTemperatureKelvin - t) < 0.35 * width }) { continue }
                let i = features.temperatureKelvin.firstIndex { $0 >= t } ?? 0
                let h = features.smoothed[i]
                guard h > 0.02 * main.heightCounts else { continue }
                peaks.append(GlowPeak(
                    model: model, maximumIntensity: 0.4 * h, activationEnergyElectronVolt: clamp(p.activationEnergyElectronVolt, er),
                    maximumTemperatureKelvin: t))
            }
        }
        return peaks.sorted { $0.maximumTemperatureKelvin < $1.maximumTemperatureKelvin }
    }

    /// Positive lobes of the smoothed residual, largest area first, each proposed as a new peak.
    static func residualLobes(curve: GlowCurve, fit: GlowFit, features: CurveFeatures, significance: Double = 0) -> [GlowPeak] {
        let r0 = zip(curve.counts, fit.fittedCounts).map { $0 - $1 }
        let r = CurveFeatures.savitzkyGolay(r0, halfWindow: features.halfWindow)
        let t = curve.temperatureKelvin
        var lobes: [(area: Double, index: Int)] = []
        var i = 0
        while i < r.count {
            guard r[i] > 0 else { i += 1; continue }
            var area = 0.0, peakIndex = i, variance = 0.0
            while i < r.count && r[i] > 0 {
                area += r[i]
                variance += features.localNoiseCounts[i] * features.localNoiseCounts[i]
                if r[i] > r[peakIndex] { peakIndex = i }
                i += 1
            }
            // Significance: the lobe's area against the local channel noise summed over its length.
            if area > significance * variance.squareRoot() {
                lobes.append((area, peakIndex))
            }
        }
        lobes.sort { $0.area > $1.area }
        let er = fit.peaks.first.map { _ in 0 } ?? 0
        _ = er
        return lobes.compactMap { lobe in
            let tm = t[lobe.index]
            guard lobe.index > 1, lobe.index < t.count - 2 else { return nil }
            let nearest = fit.peaks.min { abs($0.peak.maximumTemperatureKelvin - tm) < abs($1.peak.maximumTemperatureKelvin - tm) }
            let ref = nearest?.peak
            let e = ref.map { $0.activationEnergyElectronVolt * (tm / $0.maximumTemperatureKelvin) * (tm / $0.maximumTemperatureKelvin) } ?? 1.2
            return GlowPeak(
                model: fit.model, maximumIntensity: r[lobe.index], activationEnergyElectronVolt: min(max(e, 0.6), 3.4),
                maximumTemperatureKelvin: tm, shape: ref?.shape)
        }
    }

    /// The resolution test: two peaks closer than 0.15 of the main peak's FWHM cannot be told
    /// apart by the data, so a fit that needs them is over-split.
    static func resolutionKelvin(_ features: CurveFeatures) -> Double {
        let main = features.smoothed.indices.max { features.smoothed[$0] < features.smoothed[$1] } ?? 0
        return max(2, 0.15 * features.fullWidthAtHalfMaximum(atChannel: main))
    }

    static func isResolved(_ fit: GlowFit, minimumSeparationKelvin: Double) -> Bool {
        let tms = fit.peaks.map(\.peak.maximumTemperatureKelvin).sorted()
        for i in tms.indices.dropFirst() where tms[i] - tms[i - 1] < minimumSeparationKelvin { return false }
        return true
    }

    /// A peak whose E ends on a bound of the allowed range is not a trap the data describe but a
    /// shape stretched to absorb noise or background: a fit that needs one is not accepted.
    static func isPhysical(_ fit: GlowFit, energyRange: ClosedRange<Double>) -> Bool {
        let tolerance = 1e-4 * (energyRange.upperBound - energyRange.lowerBound)
        return fit.peaks.allSatisfy {
            $0.peak.activationEnergyElectronVolt > energyRange.lowerBound + tolerance
                && $0.peak.activationEnergyElectronVolt < energyRange.upperBound - tolerance
        }
    }

    /// Drops peaks that carry under 0.1 % of the fitted signal and refits.
    static func prune(_ fit: GlowFit, curve: GlowCurve, configuration: GlowFitConfiguration) throws(GlowFitError) -> GlowFit {
        let total = fit.peaks.reduce(0) { $0 + $1.areaCounts }
        let kept = fit.peaks.filter { $0.areaCounts > 1e-3 * total && $0.peak.maximumIntensity > 0 }
        guard kept.count < fit.peaks.count, !kept.isEmpty else { return fit }
        return try GlowFitter.fit(curve, starting: kept.map(\.peak), configuration: configuration)
    }

    /// Fewer: keep the tallest; more: added later from residual lobes.
    static func adjust(_ peaks: [GlowPeak], toCount n: Int, curve: GlowCurve) -> [GlowPeak] {
        guard peaks.count > n else { return peaks }
        return Array(peaks.sorted { $0.maximumIntensity > $1.maximumIntensity }.prefix(n))
            .sorted { $0.maximumTemperatureKelvin < $1.maximumTemperatureKelvin }
    }

    static func clamp(_ x: Double, _ r: ClosedRange<Double>) -> Double { min(max(x, r.lowerBound), r.upperBound) }
}

extension GlowCurve {
    /// The linear heating rate from the channel times (least-squares slope of T against t), K/s;
    /// nil when the curve has no times or they do not advance.
    public var heatingRateKelvinPerSecond: Double? {
        guard let time = timeSeconds, time.count >= 2 else { return nil }
        let n = Double(time.count)
        let mt = time.reduce(0, +) / n, mT = temperatureKelvin.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (ti, Ti) in zip(time, temperatureKelvin) {
            sxy += (ti - mt) * (Ti - mT)
            sxx += (ti - mt) * (ti - mt)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        return slope > 0 ? slope : nil
    }
}
