import Testing
@testable import GlowCurve

/// Kitis quartz dose series x010–x016 (1–64 Gy): the fitted 110 °C-peak area follows the integral,
/// and departures from proportionality are reported.
@Suite struct QuartzLinearityTests {
    @Test func fittedAreaFollowsIntegralAndDeparturesAreReported() throws {
        let doses: [Double] = [1, 2, 4, 8, 16, 32, 64]
        let roi = RegionOfInterest(lowerKelvin: 300, upperKelvin: 420)
        var integrals: [Double] = [], areas: [Double] = []
        for i in 0..<7 {
            let full = try TestData.curve("tgcd-kitis/kitis_x0\(10 + i).csv")
            let curve = try #require(full.cropped(to: roi))
            // The 110 °C peak alone in its window (one general-order peak over a constant background):
            // the automatic peak count splits this measured peak differently from dose to dose.
            var config = AutomaticFitConfiguration(model: .generalOrder, peakCount: .fixed(1))
            config.fit.background = .constant
            let analysis = try GlowAnalysis.analyse(curve, configuration: config)
            integrals.append(curve.integral(over: roi) - analysis.fit.backgroundCounts.reduce(0, +))
            areas.append(analysis.dosimetricPeak.areaCounts)
        }
        let byIntegral = DoseLinearity(doseGray: doses, signals: integrals, tolerance: 0.1)
        let byFit = DoseLinearity(doseGray: doses, signals: areas, tolerance: 0.1)
        for (a, b) in zip(byIntegral.points, byFit.points) {
            // Where the integral is proportional, so is the fitted area (and vice versa, within 5 %).
            #expect(abs(a.index - b.index) < 0.05 * a.index, "dose \(a.doseGray) Gy: integral index \(a.index), fit index \(b.index)")
        }
        // The report names the same departures as the integral shows.
        #expect(byFit.departures.map(\.doseGray) == byIntegral.departures.map(\.doseGray))
        #expect(DoseLinearity(doseGray: [1, 2, 4], signals: [1, 2, 6]).departures.map(\.doseGray) == [4])
    }
}
