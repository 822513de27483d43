/// The full automatic analysis of one element's glow curve: deconvolution, the dosimetric peak and
/// the quality flags.
public struct GlowAnalysis: Sendable, Hashable {
    public var fit: GlowFit
    /// Index into `fit.peaks` of the dosimetric peak.
    public var dosimetricPeakIndex: Int
    public var flags: [QualityFlag]

    public var dosimetricPeak: FittedPeak { fit.peaks[dosimetricPeakIndex] }
    /// Indices of the peaks that form the dosimetric peak: the dosimetric peak and any component whose
    /// Tm lies within half the measured curve's FWHM at that peak. Components that close cannot be
    /// told apart by the data (a measured peak that is not one kinetic shape gets split among them),
    /// so their sum is the stable dose signal.
    public var dosimetricGroup: [Int]
    /// Σ of the areas of ``dosimetricGroup``, counts.
    public var dosimetricAreaCounts: Double { dosimetricGroup.reduce(0) { $0 + fit.peaks[$1].areaCounts } }

    /// Analyses `curve` with no starting values from the user.
    /// - Throws: ``GlowFitError`` when no acceptable fit exists.
    public static func analyse(
        _ curve: GlowCurve, configuration: AutomaticFitConfiguration = .init(), limits: QualityLimits = .init()
    ) throws(GlowFitError) -> GlowAnalysis {
        let fit = try AutomaticFitter.fit(curve, configuration: configuration)
        return assess(fit, of: curve, limits: limits, plausibleRanges: configuration.plausibleRanges)
    }

    /// The analysis of a fit made elsewhere (for example from the user's starting peaks): the
    /// dosimetric peak, its group and the quality flags, implausible parameters included.
    public static func assess(
        _ fit: GlowFit, of curve: GlowCurve, limits: QualityLimits = .init(), plausibleRanges: PlausibleRanges = .default
    ) -> GlowAnalysis {
        let index = dosimetricIndex(fit, reference: limits.referenceDosimetricPeakKelvin)
        let flags = GlowQuality.assess(fit, of: curve, dosimetricPeakIndex: index, limits: limits, plausibleRanges: plausibleRanges)
        let tm = fit.peaks[index].peak.maximumTemperatureKelvin
        let channel = curve.temperatureKelvin.indices.min { abs(curve.temperatureKelvin[$0] - tm) < abs(curve.temperatureKelvin[$1] - tm) } ?? 0
        let halfWidth = 0.5 * CurveFeatures(curve).fullWidthAtHalfMaximum(atChannel: channel)
        let group = fit.peaks.indices.filter { abs(fit.peaks[$0].peak.maximumTemperatureKelvin - tm) <= halfWidth }
        return GlowAnalysis(fit: fit, dosimetricPeakIndex: index, flags: flags, dosimetricGroup: group)
    }

    /// The dosimetric peak: nearest the reader's reference Tm when one is given (among peaks holding
    /// at least a fifth of the tallest one's height), else the tallest peak.
    static func dosimetricIndex(_ fit: GlowFit, reference: Double?) -> Int {
        let tallest = fit.peaks.indices.max { fit.peaks[$0].peak.maximumIntensity < fit.peaks[$1].peak.maximumIntensity } ?? 0
        guard let ref = reference else { return tallest }
        let floor = 0.2 * fit.peaks[tallest].peak.maximumIntensity
        return fit.peaks.indices.filter { fit.peaks[$0].peak.maximumIntensity >= floor }
            .min { abs(fit.peaks[$0].peak.maximumTemperatureKelvin - ref) < abs(fit.peaks[$1].peak.maximumTemperatureKelvin - ref) } ?? tallest
    }
}

extension AutomaticFitConfiguration {
    /// Settings for routine readout: least squares, no extra restarts, at most six peaks, one proposal
    /// per round and only residual lobes above 3 local-noise levels, convergence at 1e-7 relative cost
    /// change, no plausibility refits (implausible parameters are flagged). Deterministic like the
    /// default, many times faster, with a higher FOM on measured curves.
    public static func routine(model: PeakModel = .generalOrder, material: MaterialPreset = .generic) -> AutomaticFitConfiguration {
        var c = AutomaticFitConfiguration(model: model, peakCount: .automatic(maximum: 6), material: material)
        c.fit.objective = .leastSquares
        c.finalRestarts = 0
        c.fit.maxIterations = 60
        c.fit.relativeCostTolerance = 1e-7
        c.proposalsPerRound = 1
        c.lobeSignificanceSigma = 3
        c.chooseBackground = false
        // No refits for plausibility in routine analysis (its time budget is a few ms per card);
        // implausible parameters are still flagged.
        c.enforcePlausibility = false
        return c
    }
}
