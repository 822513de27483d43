import Testing
@testable import GlowCurve

@Suite struct ProbeTests {
    @Test(arguments: ["glocanin/refglow_x001.csv", "glocanin/refglow_x002.csv", "glocanin/refglow_x005.csv", "glocanin/refglow_x006.csv", "glocanin/refglow_x007.csv", "glocanin/refglow_x008.csv"])
    func probe(_ file: String) throws {
        let c = try TestData.curve(file)
        let f = CurveFeatures(c)
        print(file, "noise", f.noiseCounts, f.candidates().map { ($0.temperatureKelvin, $0.isMaximum, $0.energyEstimateElectronVolt) })
        for model in [PeakModel.firstOrder, .generalOrder] {
            let clock = ContinuousClock()
            let t0 = clock.now
            var cfg = AutomaticFitConfiguration(model: model)
            let fit = try AutomaticFitter.fit(c, configuration: cfg)
            _ = cfg
            print(file, model, "FOM", fit.figureOfMeritPercent, "n", fit.peaks.count, clock.now - t0)
            for p in fit.peaks { print("   Im", p.peak.maximumIntensity, "E", p.peak.activationEnergyElectronVolt, "Tm", p.peak.maximumTemperatureKelvin, "b", p.peak.shape) }
        }
    }
}
