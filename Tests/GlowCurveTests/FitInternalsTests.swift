import Testing
@testable import GlowCurve

/// The fit's internals (docs/glow-fit.md, "Where the code is"): the parameter layout names every
/// position, the random source of the extra starts is injected, and the automatic search's steps.
@Suite struct FitInternalsTests {
    @Test func layoutNamesEveryPositionOnce() {
        for model in PeakModel.allCases {
            for background in [BackgroundTerm.none, .constant, .incandescence] {
                let layout = ParameterLayout(model: model, peakCount: 3, background: background)
                var positions = (0..<3).flatMap { i in layout.peakParameters.map { layout.index($0, ofPeak: i) } }
                switch background {
                case .none: break
                case .constant: positions.append(layout.index(.constant))
                case .incandescence: positions += BackgroundParameter.allCases.map { layout.index($0) }
                }
                #expect(positions.sorted() == Array(0..<layout.count), "\(model), \(background)")
            }
        }
        // Per peak Im, E, Tm, (shape); then the background.
        let general = ParameterLayout(model: .generalOrder, peakCount: 2, background: .incandescence)
        #expect(general.count == 11)
        #expect(general.index(.maximumTemperature, ofPeak: 1) == 6)
        #expect(general.index(.shape, ofPeak: 1) == 7)
        #expect(general.index(.scale) == 10)
        let first = ParameterLayout(model: .firstOrder, peakCount: 2, background: .constant)
        #expect(first.count == 7)
        #expect(first.index(.activationEnergy, ofPeak: 1) == 4)
        #expect(first.index(.constant) == 6)
    }

    @Test func layoutStoresAndReadsAPeak() {
        let layout = ParameterLayout(model: .mixedOrder, peakCount: 2, background: .none)
        let peak = GlowPeak(model: .mixedOrder, maximumIntensity: 120, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 455, shape: 0.42)
        var p = [Double](repeating: 0, count: layout.count)
        layout.store(peak, at: 1, in: &p)
        #expect(layout.peak(1, in: p) == peak)
        #expect(p[0..<4].allSatisfy { $0 == 0 })
    }

    /// Counts the numbers drawn and returns a fixed value.
    struct CountingSource: RandomSource {
        var value: Double
        var draws = 0
        mutating func unit() -> Double { draws += 1; return value }
    }

    static func twoPeakCurve(model: PeakModel) throws -> (GlowCurve, [GlowPeak]) {
        let truth = [
            GlowPeak(model: model, maximumIntensity: 800, activationEnergyElectronVolt: 1.2, maximumTemperatureKelvin: 430),
            GlowPeak(model: model, maximumIntensity: 1500, activationEnergyElectronVolt: 1.6, maximumTemperatureKelvin: 490),
        ]
        let curve = try GlowFitterTests.synthetic(truth, from: 350, to: 560)
        let starts = truth.map {
            GlowPeak(model: model, maximumIntensity: $0.maximumIntensity * 0.7, activationEnergyElectronVolt: 1.4,
                     maximumTemperatureKelvin: $0.maximumTemperatureKelvin + 4)
        }
        return (curve, starts)
    }

    @Test func extraStartsDrawFromTheInjectedSource() throws {
        let (curve, starts) = try Self.twoPeakCurve(model: .generalOrder)
        var configuration = GlowFitConfiguration()
        configuration.objective = .leastSquares
        configuration.restarts = 3
        // E, Tm, Im and b of each peak for each extra start.
        var counting = CountingSource(value: 0.5)
        let centred = try GlowFitter.fit(curve, starting: starts, configuration: configuration, random: &counting)
        #expect(counting.draws == 3 * 2 * 4)
        #expect(centred.starts == 4)
        // The default is the seeded SplitMix64: the same fit as injecting it.
        var seeded = SplitMix64(seed: GlowFitter.perturbationSeed)
        let injected = try GlowFitter.fit(curve, starting: starts, configuration: configuration, random: &seeded)
        let byDefault = try GlowFitter.fit(curve, starting: starts, configuration: configuration)
        #expect(injected.peaks.map(\.peak) == byDefault.peaks.map(\.peak))
        #expect(injected.iterations == byDefault.iterations)
        // A source at the middle of [0, 1) leaves E, Tm and Im where they start (b goes to the middle
        // of its range), so the extra starts of a first-order fit repeat the given one.
        let (curve1, starts1) = try Self.twoPeakCurve(model: .firstOrder)
        var middle = CountingSource(value: 0.5)
        let repeated = try GlowFitter.fit(curve1, starting: starts1, configuration: configuration, random: &middle)
        var single = configuration
        single.restarts = 0
        let once = try GlowFitter.fit(curve1, starting: starts1, configuration: single)
        #expect(middle.draws == 3 * 2 * 3)
        #expect(repeated.peaks.map(\.peak) == once.peaks.map(\.peak))
        #expect(repeated.starts == 4)
    }

    @Test func searchStepsWithAFixedPeakCount() throws {
        let truth = [
            GlowPeak(model: .firstOrder, maximumIntensity: 600, activationEnergyElectronVolt: 1.2, maximumTemperatureKelvin: 420),
            GlowPeak(model: .firstOrder, maximumIntensity: 1500, activationEnergyElectronVolt: 1.5, maximumTemperatureKelvin: 470),
            GlowPeak(model: .firstOrder, maximumIntensity: 900, activationEnergyElectronVolt: 1.9, maximumTemperatureKelvin: 520),
        ]
        let curve = try GlowFitterTests.synthetic(truth, from: 350, to: 580)
        var configuration = AutomaticFitConfiguration(model: .firstOrder, peakCount: .fixed(1))
        configuration.fit.heatingRateKelvinPerSecond = 1
        var search = try AutomaticSearch(curve, configuration: configuration, fit: configuration.fit)
        #expect(search.target == .exactly(1))
        #expect(!search.choosesPeakCount)
        #expect(search.best.peaks.count == 1)
        #expect(search.screening.objective == .leastSquares)
        // The criterion is the final objective's (LAD: Laplace), applied to the screening fit.
        #expect(search.criterion(search.best) == search.best.laplaceInformationCriterion)
        try search.addPeaksFromResidual(until: 3)
        #expect(search.best.peaks.count == 3)
        for (fitted, true_) in zip(search.best.peaks, truth) {
            #expect(abs(fitted.peak.maximumTemperatureKelvin - true_.maximumTemperatureKelvin) < 2)
        }
        let (polished, settings) = try search.polish()
        #expect(settings.objective == .leastAbsolute)
        #expect(settings.restarts == configuration.finalRestarts)
        // The curve is noise-free: both fits reach the floor of the arithmetic.
        #expect(polished.peaks.count == 3)
        #expect(polished.figureOfMeritPercent < 1e-6)
    }
}
