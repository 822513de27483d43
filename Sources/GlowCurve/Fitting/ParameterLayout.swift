/// A term of the background fitted with the peaks, A + B′·exp((T − T_ref)/C) (``FittedBackground``).
enum BackgroundParameter: Sendable, Hashable, CaseIterable {
    /// A, counts per channel.
    case constant
    /// B′: the exponential term at the reference temperature (the curve's last channel).
    case exponentialAtReference
    /// C, kelvin.
    case scale
}

/// Where each parameter of a fit sits in the optimiser's parameter vector.
///
/// Peak after peak, each with Im, E, Tm and, for a model with a shape parameter, the shape (b, α or
/// R), in the order of ``PeakParameter/allCases``; then the background's terms: none, A, or A, B′, C.
/// Callers address a parameter by name (`index(.maximumTemperature, ofPeak: i)`), never by offset.
struct ParameterLayout: Sendable, Hashable {
    let model: PeakModel
    let peakCount: Int
    let background: BackgroundTerm

    init(model: PeakModel, peakCount: Int, background: BackgroundTerm) {
        self.model = model
        self.peakCount = peakCount
        self.background = background
    }

    /// The layout of a background fitted alone (no peaks).
    static func backgroundOnly(_ background: BackgroundTerm) -> ParameterLayout {
        ParameterLayout(model: .firstOrder, peakCount: 0, background: background)
    }

    /// The parameters of one peak, in their order in the vector.
    var peakParameters: [PeakParameter] {
        model.hasShapeParameter ? PeakParameter.allCases : [.maximumIntensity, .activationEnergy, .maximumTemperature]
    }

    var parametersPerPeak: Int { model.hasShapeParameter ? 4 : 3 }

    /// The number of background terms.
    var backgroundParameterCount: Int {
        switch background {
        case .none: 0
        case .constant: 1
        case .incandescence: 3
        }
    }

    /// The length of the parameter vector.
    var count: Int { peakCount * parametersPerPeak + backgroundParameterCount }

    /// The position of `parameter` of peak `peak` (0-based). The shape has a position only in a model
    /// with a shape parameter.
    func index(_ parameter: PeakParameter, ofPeak peak: Int) -> Int {
        precondition(parameter != .shape || model.hasShapeParameter, "the \(model) model has no shape parameter")
        let slot = switch parameter {
        case .maximumIntensity: 0
        case .activationEnergy: 1
        case .maximumTemperature: 2
        case .shape: 3
        }
        return peak * parametersPerPeak + slot
    }

    /// The position of a background term (one the layout's background has).
    func index(_ parameter: BackgroundParameter) -> Int {
        let slot: Int
        switch (background, parameter) {
        case (.constant, .constant), (.incandescence, .constant): slot = 0
        case (.incandescence, .exponentialAtReference): slot = 1
        case (.incandescence, .scale): slot = 2
        default: preconditionFailure("the \(background) background has no \(parameter) term")
        }
        return peakCount * parametersPerPeak + slot
    }

    /// The positions of every parameter of peak `peak`, paired with the parameter.
    func indices(ofPeak peak: Int) -> [(parameter: PeakParameter, index: Int)] {
        peakParameters.map { ($0, index($0, ofPeak: peak)) }
    }

    /// Peak `i` read from the vector `p` (the model's default shape when it has none).
    func peak(_ i: Int, in p: [Double]) -> GlowPeak {
        GlowPeak(
            model: model, maximumIntensity: p[index(.maximumIntensity, ofPeak: i)],
            activationEnergyElectronVolt: p[index(.activationEnergy, ofPeak: i)],
            maximumTemperatureKelvin: p[index(.maximumTemperature, ofPeak: i)],
            shape: model.hasShapeParameter ? p[index(.shape, ofPeak: i)] : model.defaultShape)
    }

    /// Writes `peak`'s parameters into the vector `p` at peak position `i`.
    func store(_ peak: GlowPeak, at i: Int, in p: inout [Double]) {
        for (parameter, j) in indices(ofPeak: i) { p[j] = peak.value(of: parameter) }
    }
}
