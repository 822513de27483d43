import Dosimetry
import Foundation

/// An SVG plot of type-test results against the trumpet curve: Hm/H over H on a logarithmic axis,
/// the allowed band, Hp(10) results as circles and Hp(0.07) results as squares, passes in green and
/// failures in red.
public enum TrumpetPlot {
    public static func svg(_ judgements: [TrumpetCurve.Judgement], curve: TrumpetCurve, title: String = "Type test: trumpet curve") -> String {
        let (width, height) = (760.0, 480.0)
        let (left, right, top, bottom) = (70.0, 20.0, 40.0, 60.0)
        let doses = judgements.map(\.delivered.value).filter { $0 > 0 }
        let lo = floor(log10(min(doses.min() ?? 0.1, curve.lowerDoseLimit.value)))
        let hi = ceil(log10(max(doses.max() ?? 1000, 1)))
        let (yMin, yMax) = (0.0, 2.2)
        func x(_ h: Double) -> Double { left + (log10(h) - lo) / (hi - lo) * (width - left - right) }
        func y(_ r: Double) -> Double { top + (yMax - min(max(r, yMin), yMax)) / (yMax - yMin) * (height - top - bottom) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        // Band.
        let steps = 200
        let hs = (0...steps).map { pow(10, lo + (hi - lo) * Double($0) / Double(steps)) }
        let upper = hs.map { "\(f(x($0))),\(f(y(curve.allowedRatio(at: MilliSievert($0)).upperBound)))" }
        let lower = hs.reversed().map { "\(f(x($0))),\(f(y(curve.allowedRatio(at: MilliSievert($0)).lowerBound)))" }
        s += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"#dfeee0\" stroke=\"#4a7d4f\" stroke-width=\"1.5\"/>\n"
        // Axes and grid.
        for d in Int(lo)...Int(hi) {
            let px = x(pow(10, Double(d)))
            s += "<line x1=\"\(f(px))\" y1=\"\(f(top))\" x2=\"\(f(px))\" y2=\"\(f(height - bottom))\" stroke=\"#ccc\"/>\n"
            s += "<text x=\"\(f(px))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(label(pow(10, Double(d))))</text>\n"
        }
        for r in stride(from: 0.0, through: 2.0, by: 0.5) {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(r)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(r)))\" stroke=\"\(r == 1 ? "#888" : "#ddd")\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y(r) + 4))\" text-anchor=\"end\">\(String(format: "%.1f", r))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(height - top - bottom))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 18))\" text-anchor=\"middle\">conventional true dose H (mSv)</text>\n"
        s += "<text x=\"18\" y=\"\(f((top + height - bottom) / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f((top + height - bottom) / 2)))\">Hm / H</text>\n"
        // Points.
        for j in judgements {
            guard let r = j.ratio, r.isFinite, j.delivered.value > 0 else { continue }
            let (px, py) = (x(j.delivered.value), y(r))
            let colour = j.passes ? "#1b7f2a" : "#c62828"
            let tip = "<title>\(escape(j.dosimeter)) \(escape(j.label)) \(j.quantity.rawValue): H \(j.delivered.value) mSv, Hm/H \(String(format: "%.3f", r))</title>"
            switch j.quantity {
            case .hp10: s += "<circle cx=\"\(f(px))\" cy=\"\(f(py))\" r=\"3.5\" fill=\"none\" stroke=\"\(colour)\">\(tip)</circle>\n"
            case .hp007: s += "<rect x=\"\(f(px - 3))\" y=\"\(f(py - 3))\" width=\"6\" height=\"6\" fill=\"none\" stroke=\"\(colour)\">\(tip)</rect>\n"
            }
        }
        let passed = judgements.filter(\.passes).count
        s += "<text x=\"\(f(width - right - 4))\" y=\"\(f(top + 16))\" text-anchor=\"end\">○ Hp(10)  □ Hp(0.07)  F = \(curve.factor), H₀ = \(curve.lowerDoseLimit.value) mSv: \(passed)/\(judgements.count) pass</text>\n"
        s += "</svg>\n"
        return s
    }

    static func label(_ v: Double) -> String {
        v >= 1 ? String(Int(v.rounded())) : String(format: v >= 0.1 ? "%.1f" : "%.2f", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
