import Testing
@testable import GlowCurve

@Suite struct GlowCurveValueTests {
    @Test func integratesInsideRegionInclusive() throws {
        let c = try GlowCurve(counts: [1, 2, 3, 4], temperatureKelvin: [300, 301, 302, 303])
        #expect(c.integral(over: RegionOfInterest(lowerKelvin: 301, upperKelvin: 302)) == 5)
        #expect(c.channelCount(in: RegionOfInterest(lowerKelvin: 301, upperKelvin: 302)) == 2)
    }

    @Test func rejectsBackwardStepUnlessAskedToSort() throws {
        #expect(throws: GlowCurveError.temperatureNotMonotonic(channel: 2, previousKelvin: 302, kelvin: 301.5)) {
            try GlowCurve(counts: [1, 2, 3], temperatureKelvin: [300, 302, 301.5])
        }
        let sorted = try GlowCurve(counts: [1, 2, 3], temperatureKelvin: [300, 302, 301.5], order: .sort)
        #expect(sorted.temperatureKelvin == [300, 301.5, 302])
        #expect(sorted.counts == [1, 3, 2])
    }

    @Test func rejectsLengthMismatchAndNaN() {
        #expect(throws: GlowCurveError.lengthMismatch(counts: 2, temperatures: 1)) {
            try GlowCurve(counts: [1, 2], temperatureKelvin: [300])
        }
        #expect(throws: GlowCurveError.notFinite(channel: 1)) {
            try GlowCurve(counts: [1, .nan], temperatureKelvin: [300, 301])
        }
    }

    @Test func celsiusIsConverted() throws {
        let c = try GlowCurve(counts: [1], temperatureCelsius: [26.85])
        #expect(abs(c.temperatureKelvin[0] - 300.0) < 1e-9)
    }

    @Test func darkCountsAreSubtractedPerChannel() throws {
        let c = try GlowCurve(counts: [10, 20], temperatureKelvin: [300, 301]).subtractingDarkCounts(perChannel: 2)
        #expect(c.counts == [8, 18])
    }
}
