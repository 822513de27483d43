/// The automatic search for a curve's peaks (``AutomaticFitter``) as one state, the best screening
/// fit so far with the background chosen for it, advanced by named steps.
struct AutomaticSearch {
    /// How many peaks the search ends with.
    enum PeakTarget: Sendable, Hashable {
        /// Chosen by the data, at most this many.
        case atMost(Int)
        /// This many (fewer only when the residual offers no more).
        case exactly(Int)
    }

    let curve: GlowCurve
    let configuration: AutomaticFitConfiguration
    /// The settings of the final fit (the heating rate resolved).
    let finalSettings: GlowFitConfiguration
    let features: CurveFeatures
    /// Two fitted peaks closer than this cannot be told apart: the resolution of the curve or the
    /// user's minimum peak distance, whichever is larger.
    let separationKelvin: Double
    let target: PeakTarget
    /// The settings of the screening fits: least squares (fast, smooth; the objective is applied by
    /// ``polish()``), no restarts, and the background chosen so far.
    private(set) var screening: GlowFitConfiguration
    /// The best screening fit so far.
    private(set) var best: GlowFit

    /// Step 1, **seed**: starting peaks from the curve's features and the material preset (the
    /// tallest ones when there are more than the target allows), and the screening fit from them.
    init(_ curve: GlowCurve, configuration: AutomaticFitConfiguration, fit finalSettings: GlowFitConfiguration) throws(GlowFitError) {
        self.curve = curve
        self.configuration = configuration
        self.finalSettings = finalSettings
        features = CurveFeatures(curve)
        separationKelvin = max(Self.resolutionKelvin(features), finalSettings.minimumPeakDistanceKelvin ?? 0)
        var seeds = PeakProposals.seeds(curve, features: features, configuration: configuration)
        guard !seeds.isEmpty else { throw .noPeaksFound }
        screening = finalSettings
        screening.objective = .leastSquares
        screening.restarts = 0
        screening.maxIterations = 100
        switch configuration.peakCount {
        case let .fixed(n):
            target = .exactly(max(1, n))
            // Fewer: the tallest; more are added from residual lobes.
            if seeds.count > max(1, n) {
                seeds = Array(seeds.sorted { $0.maximumIntensity > $1.maximumIntensity }.prefix(max(1, n)))
                    .sorted { $0.maximumTemperatureKelvin < $1.maximumTemperatureKelvin }
            }
        case let .automatic(m):
            target = .atMost(max(1, m))
            if seeds.count > max(1, m) { seeds = Array(seeds.sorted { $0.maximumIntensity > $1.maximumIntensity }.prefix(max(1, m))) }
        }
        best = try GlowFitter.fit(curve, starting: seeds, configuration: screening)
    }

    /// Whether the data choose the number of peaks (else it is fixed by the user).
    var choosesPeakCount: Bool {
        if case .atMost = target { true } else { false }
    }

    /// Runs the steps after seeding and returns the final fit.
    mutating func run() throws(GlowFitError) -> GlowFit {
        if choosesPeakCount { dropDoubtfulPeaks() }
        chooseBackground()
        switch target {
        case let .atMost(maximum): try addPeaksWhereResidualShows(upTo: maximum)
        case let .exactly(count): try addPeaksFromResidual(until: count)
        }
        if choosesPeakCount { dropDoubtfulPeaks() }
        chooseBackground()
        let (polished, settings) = try polish()
        guard configuration.enforcePlausibility else { return polished }
        var refit = PlausibilityRefit(
            polished, curve: curve, configuration: settings, ranges: configuration.plausibleRanges, mayDropPeaks: choosesPeakCount)
        return refit.run()
    }

    /// The information criterion of the final objective's noise model, applied to every screening
    /// fit: Gaussian BIC for least squares, its Laplace form for the least-absolute (FOM) objective.
    func criterion(_ fit: GlowFit) -> Double {
        switch finalSettings.objective {
        case .leastSquares: fit.bayesianInformationCriterion
        case .leastAbsolute: fit.laplaceInformationCriterion
        }
    }

    /// Step 2, **drop doubtful peaks** (backward elimination): a peak whose E sits on a bound or that
    /// carries under 1 % of the signal is dropped when the fit without it is no worse than the
    /// information gain a new peak would have to bring (the same rule as for adding).
    mutating func dropDoubtfulPeaks() {
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

    /// Step 3, **choose the background**: tries a constant, then an A + B·exp(T/C) background with the
    /// current peaks; keeps one only when the information criterion improves (before the peak search,
    /// so that peaks do not stand in for a background, and again after it).
    mutating func chooseBackground() {
        guard configuration.chooseBackground && finalSettings.background == .none else { return }
        for term in [BackgroundTerm.constant, .incandescence] where screening.background != .incandescence && screening.background != term {
            var withBackground = screening
            withBackground.background = term
            guard let trial = try? GlowFitter.fit(curve, starting: best.peaks.map(\.peak), configuration: withBackground),
                  isResolved(trial),
                  criterion(trial) < criterion(best) - configuration.minimumInformationGain
            else { continue }
            best = trial
            screening.background = term
        }
    }

    /// Step 4 (automatic count), **add peaks where the residual says**: each round the best of the
    /// largest residual lobes as a new peak, while it improves the criterion by the information gain;
    /// stops when a peak added is pruned again (the data ask for no more).
    mutating func addPeaksWhereResidualShows(upTo maximum: Int) throws(GlowFitError) {
        best = try prune(best, configuration: screening)
        var rounds = 0
        while best.peaks.count < maximum && rounds < 2 * maximum {
            rounds += 1
            guard let next = bestProposal() else { break }
            let pruned = try prune(next, configuration: screening)
            if pruned.peaks.count <= best.peaks.count { break }
            best = pruned
        }
    }

    /// The screening fit with the one residual lobe added that gives the lowest criterion, if that
    /// beats the current fit by the information gain with every peak resolved and physical.
    func bestProposal() -> GlowFit? {
        let proposals = PeakProposals.residualLobes(
            curve: curve, fit: best, features: features, significance: configuration.lobeSignificanceSigma)
        var improved: GlowFit? = nil
        for proposal in proposals.prefix(configuration.proposalsPerRound) {
            guard let trial = try? GlowFitter.fit(curve, starting: best.peaks.map(\.peak) + [proposal], configuration: screening),
                  isResolved(trial), isPhysical(trial)
            else { continue }
            let bar = improved.map { criterion($0) } ?? criterion(best) - configuration.minimumInformationGain
            if criterion(trial) < bar { improved = trial }
        }
        return improved
    }

    /// Step 4 (fixed count): the largest residual lobe added until the count is reached.
    mutating func addPeaksFromResidual(until count: Int) throws(GlowFitError) {
        while best.peaks.count < count, let proposal = PeakProposals.residualLobes(curve: curve, fit: best, features: features).first {
            best = try GlowFitter.fit(curve, starting: best.peaks.map(\.peak) + [proposal], configuration: screening)
        }
    }

    /// Step 5, **polish**: the final fit from the best screening fit's peaks with the requested
    /// objective and restarts (the screening fit itself when nothing about the fit changes), pruned.
    /// Returns it with the settings it was made with.
    func polish() throws(GlowFitError) -> (fit: GlowFit, settings: GlowFitConfiguration) {
        var final = finalSettings
        final.background = screening.background
        final.restarts = configuration.finalRestarts
        var sameAsScreening = final
        sameAsScreening.maxIterations = screening.maxIterations
        if sameAsScreening == screening { return (best, screening) }
        let fit = try GlowFitter.fit(curve, starting: best.peaks.map(\.peak), configuration: final)
        return (try prune(fit, configuration: final), final)
    }

    /// Drops peaks that carry under 0.1 % of the fitted signal and refits.
    func prune(_ fit: GlowFit, configuration: GlowFitConfiguration) throws(GlowFitError) -> GlowFit {
        let total = fit.peaks.reduce(0) { $0 + $1.areaCounts }
        let kept = fit.peaks.filter { $0.areaCounts > 1e-3 * total && $0.peak.maximumIntensity > 0 }
        guard kept.count < fit.peaks.count, !kept.isEmpty else { return fit }
        return try GlowFitter.fit(curve, starting: kept.map(\.peak), configuration: configuration)
    }

    /// The resolution test: two peaks closer than 0.15 of the main peak's FWHM cannot be told
    /// apart by the data, so a fit that needs them is over-split.
    static func resolutionKelvin(_ features: CurveFeatures) -> Double {
        let main = features.smoothed.indices.max { features.smoothed[$0] < features.smoothed[$1] } ?? 0
        return max(2, 0.15 * features.fullWidthAtHalfMaximum(atChannel: main))
    }

    /// No two peaks closer than ``separationKelvin``.
    func isResolved(_ fit: GlowFit) -> Bool {
        let tms = fit.peaks.map(\.peak.maximumTemperatureKelvin).sorted()
        for i in tms.indices.dropFirst() where tms[i] - tms[i - 1] < separationKelvin { return false }
        return true
    }

    /// A peak whose E ends on a bound of the allowed range is not a trap the data describe but a
    /// shape stretched to absorb noise or background: a fit that needs one is not accepted.
    func isPhysical(_ fit: GlowFit) -> Bool {
        let energyRange = screening.energyRangeElectronVolt
        let tolerance = 1e-4 * (energyRange.upperBound - energyRange.lowerBound)
        return fit.peaks.allSatisfy {
            $0.peak.activationEnergyElectronVolt > energyRange.lowerBound + tolerance
                && $0.peak.activationEnergyElectronVolt < energyRange.upperBound - tolerance
        }
    }
}
