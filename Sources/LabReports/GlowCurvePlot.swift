import Foundation
import GlowCurve

/// An SVG picture of a glow curve, its fitted components and the residuals: axes with labels and
/// units, a legend and an annotation box. Legend and annotation sit in a column right of the plot
/// area, so they never cover the curve.
public enum GlowCurvePlot {
    /// How the picture is drawn.
    public struct Options: Sendable, Hashable {
        public enum Unit: Sendable, Hashable { case kelvin, celsius }
        /// The temperature axis' unit.
        public var unit: Unit = .kelvin
        /// The fit's dosimetric peak, named in the legend.
        public var dosimetricPeakIndex: Int? = nil
        /// The intensity axis' label.
        public var intensityLabel = "Intensity (counts per channel)"
        public var widthPixels = 860
        public var heightPixels = 560

        public init(unit: Unit = .kelvin, dosimetricPeakIndex: Int? = nil, intensityLabel: String = "Intensity (counts per channel)") {
            self.unit = unit
            self.dosimetricPeakIndex = dosimetricPeakIndex
            self.intensityLabel = intensityLabel
        }
    }

    static let colours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f", "#6b8e23"]

    /// - Parameters:
    ///   - curve: the measured curve.
    ///   - fit: the fit to draw (components, sum, residual panel); nil draws the curve only.
    ///   - title: text above the plot.
    /// - Returns: a standalone SVG document.
    public static func svg(curve: GlowCurve, fit: GlowFit?, title: String, options: Options = .init()) -> String {
        let w = Double(options.widthPixels), h = Double(options.heightPixels)
        let left = 80.0, legendWidth = 220.0, top = 40.0, bottom = 50.0
        let plotRight = w - legendWidth - 10
        let plotWidth = plotRight - left
        let available = h - top - bottom
        let mainHeight = fit == nil ? available : available * 0.74
        let residualTop = top + mainHeight + 14
        let residualHeight = available - mainHeight - 14
        let offset = options.unit == .celsius ? -273.15 : 0
        let unitLabel = options.unit == .celsius ? "°C" : "K"
        let t = curve.temperatureKelvin.map { $0 + offset }
        let tMin = t.min() ?? 0, tMax = max(t.max() ?? 1, tMin + 1)
        let yTop = max(curve.counts.max() ?? 1, fit?.fittedCounts.max() ?? 0, 1e-12)
        let yTicks = niceTicks(0, yTop, count: 5)
        let yMax = max(yTicks.last ?? yTop, yTop)
        func x(_ v: Double) -> Double { left + (v - tMin) / (tMax - tMin) * plotWidth }
        func y(_ v: Double) -> Double { top + mainHeight - max(0, v) / yMax * mainHeight }
        func path(_ values: [Double], _ map: (Double) -> Double) -> String {
            var s = ""
            for (i, v) in values.enumerated() where i < t.count {
                s += (i == 0 ? "M" : " L") + f(x(t[i])) + "," + f(map(v))
            }
            return s
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(options.widthPixels)" height="\(options.heightPixels)" viewBox="0 0 \(options.widthPixels) \(options.heightPixels)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left))" y="24" font-size="15">\(escape(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(plotWidth))" height="\(f(mainHeight))" fill="none" stroke="#888"/>

        """
        // Temperature ticks and label (on the lowest panel).
        let axisBottom = fit == nil ? top + mainHeight : residualTop + residualHeight
        for tick in niceTicks(tMin, tMax, count: 7) where tick >= tMin && tick <= tMax {
            svg += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(axisBottom))\" x2=\"\(f(x(tick)))\" y2=\"\(f(axisBottom + 5))\" stroke=\"#888\"/>"
            svg += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top))\" x2=\"\(f(x(tick)))\" y2=\"\(f(top + mainHeight))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(axisBottom + 18))\" text-anchor=\"middle\">\(label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(h - 10))\" text-anchor=\"middle\">Temperature (\(unitLabel))</text>\n"
        // Intensity ticks and label.
        for v in yTicks where v <= yMax {
            svg += "<line x1=\"\(f(left - 5))\" y1=\"\(f(y(v)))\" x2=\"\(f(left))\" y2=\"\(f(y(v)))\" stroke=\"#888\"/>"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(label(v))</text>\n"
        }
        let midY = top + mainHeight / 2
        svg += "<text x=\"16\" y=\"\(f(midY))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(midY)))\">\(escape(options.intensityLabel))</text>\n"
        // Measured points.
        svg += "<g fill=\"#222\">"
        for (ti, c) in zip(t, curve.counts) {
            svg += "<circle cx=\"\(f(x(ti)))\" cy=\"\(f(y(c)))\" r=\"1.6\"/>"
        }
        svg += "</g>\n"
        // Legend and annotation, right of the plot area.
        let lx = plotRight + 18
        var ly = top + 6
        func legendLine(_ text: String, stroke: String, dash: String? = nil, width: Double = 1.4) {
            svg += "<line x1=\"\(f(lx))\" y1=\"\(f(ly))\" x2=\"\(f(lx + 22))\" y2=\"\(f(ly))\" stroke=\"\(stroke)\" stroke-width=\"\(width)\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
            svg += "<text x=\"\(f(lx + 28))\" y=\"\(f(ly + 4))\">\(escape(text))</text>\n"
            ly += 16
        }
        svg += "<circle cx=\"\(f(lx + 11))\" cy=\"\(f(ly))\" r=\"2\" fill=\"#222\"/><text x=\"\(f(lx + 28))\" y=\"\(f(ly + 4))\">measured</text>\n"
        ly += 16
        if let fit {
            for (i, comp) in fit.componentCounts.enumerated() {
                svg += "<path d=\"\(path(comp, y))\" fill=\"none\" stroke=\"\(colours[i % colours.count])\" stroke-width=\"1.2\"/>\n"
            }
            if fit.background != nil {
                svg += "<path d=\"\(path(fit.backgroundCounts, y))\" fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
            }
            svg += "<path d=\"\(path(fit.fittedCounts, y))\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.6\"/>\n"
            legendLine("fit (sum)", stroke: "#d62728", width: 1.8)
            for (i, p) in fit.peaks.enumerated() {
                let tm = p.peak.maximumTemperatureKelvin + offset
                let mark = i == options.dosimetricPeakIndex ? ", dosimetric" : ""
                legendLine("peak \(i + 1), \(String(format: "%.0f", tm)) \(unitLabel)\(mark)", stroke: colours[i % colours.count])
            }
            if fit.background != nil { legendLine("background", stroke: "#999", dash: "4 3") }
            // Annotation box below the legend.
            ly += 8
            let notes = [
                fit.model.description,
                "\(fit.peaks.count) peaks, FOM \(String(format: "%.3f", fit.figureOfMeritPercent)) %",
                "heating rate \(String(format: "%.3g", fit.heatingRateKelvinPerSecond)) K/s",
            ]
            svg += "<rect x=\(q(lx - 6)) y=\(q(ly - 4)) width=\(q(legendWidth - 8)) height=\(q(Double(notes.count) * 16 + 8)) fill=\"#f7f7f7\" stroke=\"#bbb\"/>\n"
            for n in notes {
                svg += "<text x=\(q(lx)) y=\(q(ly + 10)) font-size=\"11\">\(escape(n))</text>\n"
                ly += 16
            }
            // Residual panel.
            let residuals = fit.residuals(of: curve)
            let rMax = max(residuals.map { abs($0) }.max() ?? 1, 1e-12)
            let mid = residualTop + residualHeight / 2
            func ry(_ v: Double) -> Double { mid - v / rMax * residualHeight / 2 }
            svg += "<rect x=\"\(f(left))\" y=\"\(f(residualTop))\" width=\"\(f(plotWidth))\" height=\"\(f(residualHeight))\" fill=\"none\" stroke=\"#888\"/>\n"
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(mid))\" x2=\"\(f(plotRight))\" y2=\"\(f(mid))\" stroke=\"#bbb\"/>\n"
            svg += "<path d=\"\(path(residuals, ry))\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(residualTop + 10))\" text-anchor=\"end\">+\(label(rMax))</text>\n"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(residualTop + residualHeight))\" text-anchor=\"end\">−\(label(rMax))</text>\n"
            svg += "<text x=\"\(f(plotRight + 8))\" y=\"\(f(mid - 4))\">residual</text>\n"
            svg += "<text x=\"\(f(plotRight + 8))\" y=\"\(f(mid + 12))\">(measured − fit)</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// The old entry point: kelvin axis, default size.
    public static func svg(curve: GlowCurve, fit: GlowFit?, title: String, widthPixels: Int, heightPixels: Int) -> String {
        var o = Options()
        o.widthPixels = widthPixels
        o.heightPixels = heightPixels
        return svg(curve: curve, fit: fit, title: title, options: o)
    }

    /// About `count` round tick values (1, 2 or 5 × 10ⁿ apart) covering lo…hi.
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let span = max(hi - lo, 1e-12)
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var v = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while v <= hi + step * 0.999 && out.count < 50 {
            out.append(v)
            v += step
        }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-2 { return String(format: "%.2g", v) }
        return v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.3g", v)
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }
    static func q(_ v: Double) -> String { "\"" + f(v) + "\"" }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
