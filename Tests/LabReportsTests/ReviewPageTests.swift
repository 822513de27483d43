import Foundation
import Testing
@testable import LabReports

@Suite("Review page and the terminal curve against temperature")
struct ReviewPageTests {
    /// A curve whose peak sits at 210 °C on a ramp from 50 to 300 °C, then a hold at 300 °C.
    static func curve() -> (counts: [Double], celsius: [Double]) {
        let ramp = (0..<250).map { 50 + Double($0) }
        let hold = [Double](repeating: 300, count: 60)
        let t = ramp + hold
        let counts = t.map { 1000 * exp(-pow(($0 - 210) / 15, 2)) + 5 }
        return (counts, t)
    }

    @Test func terminalCurveIsDrawnAgainstTemperatureInCelsius() {
        let (counts, celsius) = Self.curve()
        let text = GlowCurvePlot.text(counts: counts, temperaturesCelsius: celsius, width: 50, label: "element 1:")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].contains("peak 1005 counts"))
        // 50 columns over 50…300 °C: the peak at 210 °C falls in column 32, whose middle is 212.5 °C.
        #expect(lines[0].contains("at about 213 °C"), "\(lines[0])")
        #expect(text.contains("temperature (°C) →"))
        #expect(!text.contains("channel"))
        let axis = lines[lines.count - 2]
        #expect(axis.hasPrefix(" 50 ") && axis.contains(" 175 ") && axis.hasSuffix(" 300 "), "\(axis)")
        // The tallest column is where the peak's temperature is, not where its channel is: the hold's
        // 60 channels at 300 °C fall in the last column (drawn by channel, the peak would sit at column 25
        // of 50; by temperature it is at column 32).
        let top = lines[1].dropFirst()
        let full = top.indices.filter { top[$0] != " " }.map { top.distance(from: top.startIndex, to: $0) }
        #expect(full.contains(32))
        #expect(full.allSatisfy { (29...35).contains($0) }, "\(full)")
    }

    @Test func aFlatTemperatureFallsBackToChannels() {
        let text = GlowCurvePlot.text(counts: [1, 5, 2], temperaturesCelsius: [100, 100, 100], width: 3)
        #expect(text.contains("channel →"))
    }

    @Test func pageHoldsReasonsContextPreviousPeriodsAndFigures() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>Temperature (°C)</text></svg>\n"
        let card = ReviewPage.Card(
            title: "dose 7 · card 10000032", summary: ["Hp(10) 1.234 mSv", "version 1"],
            reasons: ["above review level: Hp(10) 1.23 mSv > review level 0.50 mSv (customer K-1001)"],
            context: [("wearer", "Bøgh, Bo <ext>"), ("national ID", "0202******"), ("customer", "K-1001 Strålehospitalet")],
            previousHeader: ["period", "Hp(10) mSv"], previous: [["2027-01-01 – 2027-01-31", "0.120"]],
            figures: [.init(caption: "element 1", svg: svg, note: "3 peaks"), .init(caption: "element 2", svg: nil, note: "LOST (no signal)")])
        let other = ReviewPage.Card(title: "dose 8 · card 10000049", summary: [], reasons: [], context: [],
                                    previousHeader: [], previous: [], figures: [])
        let html = ReviewPage(batch: "R-2027-02-03", generated: "2027-02-03T10:00:00Z", cards: [card, other]).html()
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("<h1>Review of batch R-2027-02-03</h1>"))
        #expect(html.components(separatedBy: "<section class=\"card\">").count == 3)
        #expect(html.contains("<li>above review level: Hp(10) 1.23 mSv &gt; review level 0.50 mSv (customer K-1001)</li>"))
        #expect(html.contains("Bøgh, Bo &lt;ext&gt;") && !html.contains("<ext>"))
        #expect(html.contains("<td>0202******</td>"))
        #expect(html.contains("<td>2027-01-01 – 2027-01-31</td><td>0.120</td>"))
        #expect(html.components(separatedBy: "<svg").count == 2)
        #expect(html.contains("LOST (no signal)"))
        #expect(html.contains("none on the person's dose record") && html.contains("no stored reason"))
        #expect(!html.contains("<script"))
    }
}
