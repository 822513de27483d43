import Testing
@testable import GlowCurve

@Suite struct QualityTests {
    static func lif(peak5Kelvin: Double = 512, lowPeakHeight: Double = 300) throws -> GlowCurve {
        try GlowFitterTests.synthetic([
            GlowPeak(model: .firstOrder, maximumIntensity: lowPeakHeight, activationEnergyElectronVolt: 1.38, maximumTemperatureKelvin: peak5Kelvin - 95),
            GlowPeak(model: .firstOrder, maximumIntensity: 1600, activationEnergyElectronVolt: 2.0, maximumTemperatureKelvin: peak5Kelvin),
        ])
    }

    @Test func cleanCurveRaisesNoFlag() throws {
        var limits = QualityLimits()
        limits.referenceDosimetricPeakKelvin = 512
        #expect(GlowQuality.screen(try Self.lif(), limits: limits).flags.isEmpty)
    }

    @Test func shiftedPeakIsFlagged() throws {
        var limits = QualityLimits()
        limits.referenceDosimetricPeakKelvin = 512
        let flags = GlowQuality.screen(try Self.lif(peak5Kelvin: 525), limits: limits).flags
        #expect(flags.contains { if case .dosimetricPeakShifted = $0 { true } else { false } })
    }

    @Test func spikeIsFlaggedAtItsChannel() throws {
        let c = try Self.lif()
        var y = c.counts
        y[150] += 900
        let flags = GlowQuality.screen(try GlowCurve(counts: y, temperatureKelvin: c.temperatureKelvin)).flags
        #expect(flags.contains(where: { if case .spike(150, _, _) = $0 { true } else { false } }), "\(flags)")
    }

    @Test func clippedTopIsSaturation() throws {
        let c = try Self.lif()
        let y = c.counts.map { min($0, 1200) }
        let flags = GlowQuality.screen(try GlowCurve(counts: y, temperatureKelvin: c.temperatureKelvin)).flags
        #expect(flags.contains { $0.code == "saturation" })
        var limits = QualityLimits(); limits.saturationCounts = 1500
        #expect(GlowQuality.screen(c, limits: limits).flags.contains { $0.code == "saturation" })
    }

    @Test func risingTailIsIncandescence() throws {
        // Kitis x004: a background read that rises steeply at high temperature.
        let bg = try TestData.curve("tgcd-kitis/kitis_x004.csv")
        #expect(GlowQuality.screen(bg).flags.contains { $0.code == "incandescence" })
        let fitted = try IncandescenceBackground.fit(bg)
        #expect(fitted.scaleKelvin > 5 && fitted.scaleKelvin < 200)
    }

    @Test func highLowTemperaturePeakMeansRecentExposure() throws {
        let flags = GlowQuality.screen(try Self.lif(lowPeakHeight: 1400)).flags
        #expect(flags.contains { $0.code == "low-temperature-peak" })
    }

    @Test func residualAfterAnneal() throws {
        let c = try Self.lif()
        let anneal = c.subtractingDarkCounts(perChannel: 0).scaled(by: 0.05)
        #expect(GlowQuality.residualAfterAnneal(anneal, previousReadTotalCounts: c.total) != nil)
        #expect(GlowQuality.residualAfterAnneal(c.scaled(by: 0.001), previousReadTotalCounts: c.total) == nil)
    }

    @Test func badFitIsFlaggedByFOM() throws {
        let c = try Self.lif()
        let oneWrong = GlowPeak(model: .firstOrder, maximumIntensity: 1600, activationEnergyElectronVolt: 2.0, maximumTemperatureKelvin: 512)
        var cfg = GlowFitConfiguration(); cfg.maxIterations = 1; cfg.objective = .leastSquares
        // One peak cannot describe two: FOM well above 3.5 %.
        let fit = try GlowFitter.fit(c, starting: [oneWrong], configuration: cfg)
        let flags = GlowQuality.assess(fit, of: c, dosimetricPeakIndex: 0)
        #expect(flags.contains { $0.code == "fom-high" })
    }
}

extension GlowCurve {
    func scaled(by f: Double) -> GlowCurve {
        GlowCurve(unchecked: counts.map { $0 * f }, temperatureKelvin: temperatureKelvin, timeSeconds: timeSeconds)
    }
}
