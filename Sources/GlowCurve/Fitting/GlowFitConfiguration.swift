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
