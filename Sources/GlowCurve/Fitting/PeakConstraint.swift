/// One parameter of a glow peak, as named on the command line and in reports.
public enum PeakParameter: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Im, counts per channel.
    case maximumIntensity = "Im"
    /// E, eV.
    case activationEnergy = "E"
    /// Tm, kelvin.
    case maximumTemperature = "Tm"
    /// The model's shape parameter: b, α or R.
    case shape = "b"

    public var description: String { rawValue }

    /// Parses `Im`, `E`, `Tm`, `b` (also `alpha`, `R`, `shape` for the shape parameter); case-insensitive.
    public init?(name: String) {
        switch name.lowercased() {
        case "im", "i": self = .maximumIntensity
        case "e": self = .activationEnergy
        case "tm", "t": self = .maximumTemperature
        case "b", "alpha", "a", "r", "shape": self = .shape
        default: return nil
        }
    }
}

/// What a fit may do with one peak's parameters (tgcd's constraints and fixed parameters,
/// Peng et al., SoftwareX 5 (2016) 112): each is free within the fitter's own bounds, held within a
/// range, or fixed at a value.
public struct PeakConstraint: Sendable, Hashable {
    public enum Limit: Sendable, Hashable {
        case free
        case fixed(Double)
        case range(ClosedRange<Double>)
    }

    public var maximumIntensity: Limit = .free
    public var activationEnergy: Limit = .free
    public var maximumTemperature: Limit = .free
    public var shape: Limit = .free

    public init(
        maximumIntensity: Limit = .free, activationEnergy: Limit = .free,
        maximumTemperature: Limit = .free, shape: Limit = .free
    ) {
        self.maximumIntensity = maximumIntensity
        self.activationEnergy = activationEnergy
        self.maximumTemperature = maximumTemperature
        self.shape = shape
    }

    public static let free = PeakConstraint()

    public subscript(_ parameter: PeakParameter) -> Limit {
        get {
            switch parameter {
            case .maximumIntensity: maximumIntensity
            case .activationEnergy: activationEnergy
            case .maximumTemperature: maximumTemperature
            case .shape: shape
            }
        }
        set {
            switch parameter {
            case .maximumIntensity: maximumIntensity = newValue
            case .activationEnergy: activationEnergy = newValue
            case .maximumTemperature: maximumTemperature = newValue
            case .shape: shape = newValue
            }
        }
    }

    /// The parameters held at a fixed value.
    public var fixedParameters: Set<PeakParameter> {
        Set(PeakParameter.allCases.filter { if case .fixed = self[$0] { true } else { false } })
    }

    /// `lower…upper` narrowed by the limit (a fixed value gives `value…value`; a range that misses
    /// the fitter's own bounds is used as given).
    func narrow(lower: Double, upper: Double, _ parameter: PeakParameter) -> (Double, Double) {
        switch self[parameter] {
        case .free: return (lower, upper)
        case let .fixed(v): return (v, v)
        case let .range(r):
            let lo = max(lower, r.lowerBound), hi = min(upper, r.upperBound)
            return lo <= hi ? (lo, hi) : (r.lowerBound, r.upperBound)
        }
    }

    /// The start value moved into the limit.
    func start(_ value: Double, _ parameter: PeakParameter) -> Double {
        switch self[parameter] {
        case .free: value
        case let .fixed(v): v
        case let .range(r): min(max(value, r.lowerBound), r.upperBound)
        }
    }
}
