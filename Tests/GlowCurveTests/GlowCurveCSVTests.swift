import Testing
@testable import GlowCurve

@Suite struct GlowCurveCSVTests {
    @Test func readsKelvinHeader() throws {
        let c = try GlowCurveCSV.parse("temperature_K,intensity\n300,1\n301,2\n302.5,3\n")
        #expect(c.temperatureKelvin == [300, 301, 302.5])
        #expect(c.counts == [1, 2, 3])
    }

    @Test func readsCelsiusAndTime() throws {
        let c = try GlowCurveCSV.parse("temperature_C;counts;time_s\n26.85;5;0\n27.85;6;0.1\n")
        #expect(abs(c.temperatureKelvin[0] - 300) < 1e-9)
        #expect(c.timeSeconds == [0, 0.1])
        #expect(abs((c.heatingRateKelvinPerSecond ?? 0) - 10) < 1e-9)
    }

    @Test func backwardStepIsRejectedWithReasonOrSortedOnRequest() throws {
        let text = "temperature_K,intensity\n300,1\n302,2\n301,3\n"
        #expect(throws: GlowCurveReadError.invalidCurve(.temperatureNotMonotonic(channel: 2, previousKelvin: 302, kelvin: 301))) {
            try GlowCurveCSV.parse(text)
        }
        let sorted = try GlowCurveCSV.parse(text, order: .sort)
        #expect(sorted.counts == [1, 3, 2])
    }

    @Test func unitMustBeKnownAndLinesWellFormed() {
        #expect(throws: GlowCurveReadError.unitNotStated) { try GlowCurveCSV.parse("300,1\n301,2\n") }
        #expect(throws: GlowCurveReadError.malformedLine(line: 3, text: "abc,1")) {
            try GlowCurveCSV.parse("temperature_K,intensity\n300,1\nabc,1\n")
        }
    }

    @Test func readsEveryGlocaninFile() throws {
        for name in ["x001", "x002", "x005", "x006", "x007", "x008"] {
            let c = try TestData.curve("glocanin/refglow_\(name).csv")
            #expect(c.channelCount >= 200)
        }
    }
}
