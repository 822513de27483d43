import TestSupport
import Testing
@testable import GlowCurve

/// GLOCANIN reference curves (../shared/data/glocanin/README.md), all with automatic initialisation.
@Suite(.cpuHeavy) struct GlocaninTests {
    /// x001: one first-order peak, reference E = 1.182 eV, Tm = 490.5 K.
    @Test func x001SinglePeak() throws {
        let curve = try TestData.curve("glocanin/refglow_x001.csv")
        let fit = try AutomaticFitter.fit(curve, configuration: AutomaticFitConfiguration(model: .firstOrder))
        try #require(fit.peaks.count == 1)
        #expect(abs(fit.peaks[0].peak.activationEnergyElectronVolt / 1.182 - 1) < 0.005)
        #expect(abs(fit.peaks[0].peak.maximumTemperatureKelvin / 490.5 - 1) < 0.005)
        #expect(fit.figureOfMeritPercent < 0.05)
    }

    /// x002: four first-order peaks imitating TLD-100.
    @Test func x002FourPeaks() throws {
        let curve = try TestData.curve("glocanin/refglow_x002.csv")
        let fit = try AutomaticFitter.fit(curve, configuration: AutomaticFitConfiguration(model: .firstOrder, material: .lithiumFluorideMagnesiumTitanium))
        let reference: [(e: Double, tm: Double)] = [(1.383, 417.2), (1.483, 456.6), (1.583, 484.0), (2.002, 511.7)]
        try #require(fit.peaks.count == 4, "found \(fit.peaks.count) peaks")
        for (p, r) in zip(fit.peaks, reference) {
            #expect(abs(p.peak.activationEnergyElectronVolt / r.e - 1) < 0.005, "E \(p.peak.activationEnergyElectronVolt) vs \(r.e)")
            #expect(abs(p.peak.maximumTemperatureKelvin / r.tm - 1) < 0.005, "Tm \(p.peak.maximumTemperatureKelvin) vs \(r.tm)")
        }
        #expect(fit.figureOfMeritPercent < 0.05)
    }

    /// x005–x008 (measured): general-order FOM no worse than tgcd 2.7 with hand-picked starts and 60 restarts.
    @Test(arguments: [("x005", 0.86), ("x006", 0.96), ("x007", 1.28), ("x008", 1.24)])
    func measuredCurvesBeatTgcd(name: String, tgcdFOM: Double) throws {
        let curve = try TestData.curve("glocanin/refglow_\(name).csv")
        let fit = try AutomaticFitter.fit(curve, configuration: AutomaticFitConfiguration(model: .generalOrder))
        #expect(fit.figureOfMeritPercent <= tgcdFOM, "\(name): FOM \(fit.figureOfMeritPercent) % vs tgcd \(tgcdFOM) %")
    }

    /// x001, x002 (synthetic) with the default automatic fit (general order, LAD) against tgcd 2.7's
    /// default run on this machine (best of 9 runs: FOM 0.00153179 % and 0.00856960 %;
    /// Benchmarks/Benchmarks/GlowCurveBenchmarks/RESULTS.md). Both programs reach the floor set by the
    /// rounding of the stored values, where the two differ in the fifth digit: "no worse" is taken to
    /// one part in 10⁴ of the FOM.
    @Test(arguments: [("x001", 0.00153179), ("x002", 0.00856960)])
    func syntheticCurvesMatchTgcd(name: String, tgcdFOM: Double) throws {
        let curve = try TestData.curve("glocanin/refglow_\(name).csv")
        let fit = try AutomaticFitter.fit(curve)
        print("\(name): FOM \(fit.figureOfMeritPercent) % (tgcd \(tgcdFOM) %)")
        #expect(fit.figureOfMeritPercent <= tgcdFOM * (1 + 1e-4), "\(name): FOM \(fit.figureOfMeritPercent) % vs tgcd \(tgcdFOM) %")
    }

    @Test func sameResultOnEveryRun() throws {
        let curve = try TestData.curve("glocanin/refglow_x007.csv")
        let a = try AutomaticFitter.fit(curve)
        let b = try AutomaticFitter.fit(curve)
        // Bit-identical parameters and fitted values (uncertainties may be NaN where not estimable,
        // and NaN ≠ NaN, so the whole values are not compared with ==).
        #expect(a.peaks.map(\.peak) == b.peaks.map(\.peak))
        #expect(a.fittedCounts == b.fittedCounts)
        #expect(a.figureOfMeritPercent == b.figureOfMeritPercent)
        #expect(a.background == b.background)
    }
}
