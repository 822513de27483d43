import RealModule

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
