/// Why a glow-curve fit failed. A fit never returns nil and never passes off a bad fit silently.
public enum GlowFitError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooFewChannels(channels: Int, parameters: Int)
    case noSignal
    case noPeaksFound
    case invalidStartingPeak(PeakModelError)
    case modelNotFinite
    case didNotConverge(iterations: Int)
    case figureOfMeritTooHigh(percent: Double, limitPercent: Double)
    case temperatureDoesNotVary(kelvin: Double)
    case invalidHeatingRate(Double)
    case constraintCountMismatch(peaks: Int, constraints: Int)
    case tooManyChannels(channels: Int, limit: Int)

    public var description: String {
        switch self {
        case let .tooFewChannels(c, p): "the curve has \(c) channels, too few to fit \(p) parameters"
        case .noSignal: "the curve holds no signal above background to fit"
        case .noPeaksFound: "no glow peak could be found in the curve"
        case let .invalidStartingPeak(e): "a starting peak is invalid: \(e)"
        case .modelNotFinite: "the model gave values that are not finite at every starting point tried"
        case let .didNotConverge(i): "the fit did not converge in \(i) iterations"
        case let .figureOfMeritTooHigh(f, l): "the best fit has FOM \(f) %, above the limit \(l) %"
        case let .temperatureDoesNotVary(k): "every channel is at the same temperature (\(k) K): there is no glow curve to fit"
        case let .invalidHeatingRate(b): "the heating rate \(b) K/s is not a positive finite number"
        case let .constraintCountMismatch(p, c): "\(c) peak constraints were given for \(p) peaks"
        case let .tooManyChannels(c, l): "the curve has \(c) channels; at most \(l) are fitted (rebin it: average adjacent channels)"
        }
    }
}
