import Foundation
import GlowCurve

/// An SVG picture of a glow curve, its fitted components and the residuals.
public enum GlowCurvePlot {
    /// - Parameters:
    ///   - curve: the measured curve.
    ///   - fit: the fit to draw (components, sum, residual panel); nil draws the curve only.
    ///   - title: text above the plot.
    /// - Returns: a standalone SVG document.
    public static func svg(curve: GlowCurve, fit: GlowFit?, title: String, widthPixels: Int = 800, heightPixels: Int = 560) -> String {
        let w = Double(widthPixels), h = Double(heightPixels)
        let left = 70.0, right = 20.0, top = 40.0
        let mainHeight = (h - top - 60) * 0.72
        let residualTop = top + mainHeight + 20
        let residualHeight = (h - top - 60) * 0.28 - 20
        let t = curve.temperatureKelvin
        let tMin = t.first ?? 0, tMax = max(t.last ?? 1, (t.first ?? 0) + 1)
        let yMax = max(curve.counts.max() ?? 1, fit?.fittedCounts.max() ?? 0, 1e-12) * 1.05
        func x(_ v: Double) -> Double { left + (v - tMin) / (tMax - tMin) * (w - left - right) }
        func y(_ v: Double) -> Double { top + mainHeight - max(0, v) / yMax * mainHeight }
        func path(_ values: [Double], _ map: (Double) -> Double) -> String {
            var s = ""
            for (i, v) in values.enumerated() where i < t.count {
                s += (i == 0 ? "M" : " L") + String(format: "%.1f,%.1f", x(t[i]), map(v))
            }
            return s
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(widthPixels)" height="\(heightPixels)" viewBox="0 0 \(widthPixels) \(heightPixels)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="22" font-size="15">\(escape(title))</text>
        <rect x="\(left)" y="\(top)" width="\(w - left - right)" height="\(mainHeight)" fill="none" stroke="#888"/>

        """
        // Axes ticks (temperature every 50 K, counts at quarters).
        var tick = (tMin / 50).rounded(.up) * 50
        while tick <= tMax {
            svg += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top + mainHeight))\" x2=\"\(f(x(tick)))\" y2=\"\(f(top + mainHeight + 5))\" stroke=\"#888\"/>"
            svg += "<text x=\"\(f(x(tick)))\" y=\"\(f(h - 25))\" text-anchor=\"middle\">\(Int(tick))</text>\n"
            tick += 50
        }
        for q in 0...4 {
            let v = yMax * Double(q) / 4
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\">\(String(format: "%.3g", v))</text>\n"
        }
        svg += "<text x=\"\(f((left + w - right) / 2))\" y=\"\(f(h - 8))\" text-anchor=\"middle\">Temperature (K)</text>\n"
        // Measured points.
        for (ti, c) in zip(t, curve.counts) {
            svg += "<circle cx=\"\(f(x(ti)))\" cy=\"\(f(y(c)))\" r=\"1.6\" fill=\"#222\"/>"
        }
        svg += "\n"
        if let fit {
            let colours = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f", "#d62728"]
            for (i, comp) in fit.componentCounts.enumerated() {
                svg += "<path d=\"\(path(comp, y))\" fill=\"none\" stroke=\"\(colours[i % colours.count])\" stroke-width=\"1.2\"/>\n"
            }
            if fit.background != nil {
                svg += "<path d=\"\(path(fit.backgroundCounts, y))\" fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n"
            }
            svg += "<path d=\"\(path(fit.fittedCounts, y))\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.6\"/>\n"
            svg += "<text x=\"\(f(w - right - 6))\" y=\"\(f(top + 16))\" text-anchor=\"end\">\(escape(fit.model.description)), \(fit.peaks.count) peaks, FOM \(String(format: "%.3f", fit.figureOfMeritPercent)) %</text>\n"
            // Residual panel.
            let residuals = fit.residuals(of: curve)
            let rMax = max(residuals.map { abs($0) }.max() ?? 1, 1e-12)
            let mid = residualTop + residualHeight / 2
            func ry(_ v: Double) -> Double { mid - v / rMax * residualHeight / 2 }
            svg += "<rect x=\"\(left)\" y=\"\(f(residualTop))\" width=\"\(f(w - left - right))\" height=\"\(f(residualHeight))\" fill=\"none\" stroke=\"#888\"/>\n"
            svg += "<line x1=\"\(left)\" y1=\"\(f(mid))\" x2=\"\(f(w - right))\" y2=\"\(f(mid))\" stroke=\"#bbb\"/>\n"
            svg += "<path d=\"\(path(residuals, ry))\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(residualTop + 10))\" text-anchor=\"end\">±\(String(format: "%.3g", rMax))</text>\n"
            svg += "<text x=\"\(f(left + 4))\" y=\"\(f(residualTop + 12))\">residual</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
