import TestSupport
import Testing
@testable import GlowCurve

@Suite(.cpuHeavy) struct GlowFitterTests {
    static func synthetic(_ peaks: [GlowPeak], from lo: Double = 300, to hi: Double = 600, step: Double = 1) throws -> GlowCurve {
        let t = stride(from: lo, through: hi, by: step).map { $0 }
        var y = [Double](repeating: 0, count: t.count)
        for p in peaks {
            for (i, v) in try p.intensities(atKelvin: t, startKelvin: lo).enumerated() { y[i] += v }
        }
        return try GlowCurve(counts: y, temperatureKelvin: t)
    }

    @Test func recoversOnePeakFromAPoorStart() throws {
        let truth = GlowPeak(model: .generalOrder, maximumIntensity: 800, activationEnergyElectronVolt: 1.5, maximumTemperatureKelvin: 470, shape: 1.6)
        let curve = try Self.synthetic([truth])
        let start = GlowPeak(model: .generalOrder, maximumIntensity: 500, activationEnergyElectronVolt: 1.1, maximumTemperatureKelvin: 462, shape: 1.2)
        let fit = try GlowFitter.fit(curve, starting: [start])
        let p = fit.peaks[0]
        #expect(abs(p.peak.activationEnergyElectronVolt - 1.5) < 1e-3)
        #expect(abs(p.peak.maximumTemperatureKelvin - 470) < 1e-2)
        #expect(abs(p.peak.shape - 1.6) < 1e-3)
        #expect(fit.figureOfMeritPercent < 1e-3)
        #expect(p.activationEnergyErrorElectronVolt.isFinite)
    }

    @Test(arguments: [(PeakModel.secondOrder, 2.0), (.mixedOrder, 0.4), (.oneTrapOneRecombinationCentre, 0.3), (.firstOrderKitis, 1.0)])
    func everyModelIsFittable(model: PeakModel, shape: Double) throws {
        let truth = GlowPeak(model: model, maximumIntensity: 600, activationEnergyElectronVolt: 1.4, maximumTemperatureKelvin: 450, shape: shape)
        let curve = try Self.synthetic([truth])
        let start = GlowPeak(model: model, maximumIntensity: 500, activationEnergyElectronVolt: 1.25, maximumTemperatureKelvin: 446,
                             shape: model.hasShapeParameter ? (model.shapeRange.lowerBound + model.shapeRange.upperBound) / 2 : nil)
        var config = GlowFitConfiguration()
        config.objective = .leastSquares
        config.restarts = 2
        let fit = try GlowFitter.fit(curve, starting: [start], configuration: config)
        #expect(fit.figureOfMeritPercent < 0.1, "\(model): FOM \(fit.figureOfMeritPercent)")
        #expect(abs(fit.peaks[0].peak.activationEnergyElectronVolt - 1.4) < 0.01, "\(model): \(fit.peaks[0].peak)")
        #expect(abs(fit.peaks[0].peak.maximumTemperatureKelvin - 450) < 0.2, "\(model): \(fit.peaks[0].peak)")
    }

    /// Property: curves made from random peak sets (deterministic seed) are recovered by the automatic
    /// fit without starting values: E and Tm of every peak that holds ≥ 10 % of the signal within 3 %.
    @Test(arguments: 0..<4)
    func randomPeakSetsAreRecovered(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 17)
        let count = 1 + seed % 3
        var peaks: [GlowPeak] = []
        var tm = 380 + 40 * rng.unit()
        for _ in 0..<count {
            let e = 1.0 + 0.8 * rng.unit()
            peaks.append(GlowPeak(model: .firstOrder, maximumIntensity: 200 + 800 * rng.unit(), activationEnergyElectronVolt: e * (tm / 420) * (tm / 420) * 1.2, maximumTemperatureKelvin: tm))
            tm += 45 + 30 * rng.unit()
        }
        let curve = try Self.synthetic(peaks, to: 650)
        var config = AutomaticFitConfiguration(model: .firstOrder, peakCount: .automatic(maximum: 6))
        config.fit.objective = .leastSquares
        let fit = try AutomaticFitter.fit(curve, configuration: config)
        #expect(fit.figureOfMeritPercent < 0.5)
        for truth in peaks {
            let near = fit.peaks.min { abs($0.peak.maximumTemperatureKelvin - truth.maximumTemperatureKelvin) < abs($1.peak.maximumTemperatureKelvin - truth.maximumTemperatureKelvin) }!
            #expect(abs(near.peak.maximumTemperatureKelvin - truth.maximumTemperatureKelvin) / truth.maximumTemperatureKelvin < 0.03,
                    "peak \(truth) fitted as \(near.peak)")
            #expect(abs(near.peak.activationEnergyElectronVolt - truth.activationEnergyElectronVolt) / truth.activationEnergyElectronVolt < 0.03,
                    "peak \(truth) fitted as \(near.peak)")
        }
    }

    @Test func leastAbsoluteObjectiveResistsAnOutlier() throws {
        let truth = GlowPeak(model: .firstOrderKitis, maximumIntensity: 1000, activationEnergyElectronVolt: 1.3, maximumTemperatureKelvin: 450)
        let clean = try Self.synthetic([truth])
        var y = clean.counts
        y[120] += 3000 // 420 K: a spike
        let curve = try GlowCurve(counts: y, temperatureKelvin: clean.temperatureKelvin)
        var ls = GlowFitConfiguration(); ls.objective = .leastSquares
        var lad = GlowFitConfiguration(); lad.objective = .leastAbsolute
        let a = try GlowFitter.fit(curve, starting: [truth], configuration: ls)
        let b = try GlowFitter.fit(curve, starting: [truth], configuration: lad)
        #expect(abs(b.peaks[0].peak.activationEnergyElectronVolt - 1.3) < abs(a.peaks[0].peak.activationEnergyElectronVolt - 1.3))
        #expect(abs(b.peaks[0].peak.activationEnergyElectronVolt - 1.3) < 2e-3)
    }

    @Test func failuresAreTyped() throws {
        let flat = try GlowCurve(counts: [Double](repeating: 0, count: 50), temperatureKelvin: (0..<50).map { 300 + Double($0) })
        #expect(throws: GlowFitError.noSignal) { try AutomaticFitter.fit(flat) }
        let tiny = try GlowCurve(counts: [1, 2, 1], temperatureKelvin: [300, 301, 302])
        #expect(throws: GlowFitError.self) { try AutomaticFitter.fit(tiny) }
        #expect(throws: GlowFitError.noPeaksFound) { try GlowFitter.fit(tiny, starting: []) }
        let bad = GlowPeak(model: .generalOrder, maximumIntensity: 1, activationEnergyElectronVolt: 1, maximumTemperatureKelvin: 301, shape: 0.2)
        #expect(throws: GlowFitError.invalidStartingPeak(.parameterOutOfDomain(parameter: "b", value: 0.2))) {
            try GlowFitter.fit(tiny, starting: [bad])
        }
    }

    @Test func figureOfMeritIsBalianEddy() {
        #expect(abs(figureOfMeritPercent(observed: [10, 20, 30], fitted: [11, 19, 30]) - 2.0 / 60 * 100) < 1e-12)
    }
}
