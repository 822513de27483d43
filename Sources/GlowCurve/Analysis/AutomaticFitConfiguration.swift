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
