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
    public func value(of parameter: PeakParameter) -> Double { peak.value(of: parameter) }
}
