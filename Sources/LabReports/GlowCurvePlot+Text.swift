/// A glow curve drawn with text, for a physicist's terminal (`tld review`): counts against channel,
/// resampled to `width` columns (each column the maximum of its channels) and `height` rows of
/// block characters (eighths of a cell), with the peak's count on the first line.
extension GlowCurvePlot {
    static let blocks: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func text(counts: [Double], width: Int = 64, height: Int = 6, label: String = "") -> String {
        guard !counts.isEmpty, width > 0, height > 0 else { return "\(label) (no curve)\n" }
        let columns = (0..<width).map { c -> Double in
            let lo = c * counts.count / width
            let hi = max(lo + 1, (c + 1) * counts.count / width)
            return counts[min(lo, counts.count - 1)..<min(hi, counts.count)].max() ?? 0
        }
        let peak = max(columns.max() ?? 0, 1)
        var lines: [String] = ["\(label) peak \(Int(peak)) counts"]
        for row in (0..<height).reversed() {
            var line = "│"
            for v in columns {
                let eighths = Int((max(0, v) / peak * Double(height * 8)).rounded()) - row * 8
                line.append(blocks[max(0, min(8, eighths))])
            }
            lines.append(line)
        }
        lines.append("└" + String(repeating: "─", count: width) + " channel →")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The same picture against temperature: the columns are equal steps of the reader's measured
/// temperature from the curve's lowest to its highest (°C), each the maximum of the channels whose
/// temperature falls in it (a column no channel falls in repeats its left neighbour, so a fast ramp
/// leaves no gaps), and the axis is labelled in °C. The hold at the top of the heating profile is
/// one temperature, so its channels fall in the last column, as on a physicist's TL-versus-T plot.
extension GlowCurvePlot {
    public static func text(counts: [Double], temperaturesCelsius: [Double], width: Int = 64, height: Int = 6, label: String = "") -> String {
        let n = min(counts.count, temperaturesCelsius.count)
        guard n > 0, width > 0, height > 0 else { return "\(label) (no curve)\n" }
        let t = Array(temperaturesCelsius.prefix(n))
        let lo = t.min() ?? 0, hi = t.max() ?? 0
        guard hi > lo else { return text(counts: Array(counts.prefix(n)), width: width, height: height, label: label) }
        var columns = [Double?](repeating: nil, count: width)
        for i in 0..<n {
            let c = min(width - 1, Int((t[i] - lo) / (hi - lo) * Double(width)))
            columns[c] = max(columns[c] ?? 0, counts[i])
        }
        var filled: [Double] = []
        for c in columns { filled.append(c ?? filled.last ?? 0) }
        let peak = max(filled.max() ?? 0, 1)
        let peakColumn = filled.firstIndex(of: filled.max() ?? 0) ?? 0
        let peakCelsius = lo + (Double(peakColumn) + 0.5) / Double(width) * (hi - lo)
        var lines: [String] = ["\(label) peak \(Int(peak)) counts at about \(Int(peakCelsius.rounded())) °C"]
        for row in (0..<height).reversed() {
            var line = "│"
            for v in filled {
                let eighths = Int((max(0, v) / peak * Double(height * 8)).rounded()) - row * 8
                line.append(blocks[max(0, min(8, eighths))])
            }
            lines.append(line)
        }
        lines.append("└" + String(repeating: "─", count: width) + " temperature (°C) →")
        // Tick labels under the left end, the middle and the right end of the axis.
        let left = "\(Int(lo.rounded()))", middle = "\(Int(((lo + hi) / 2).rounded()))", right = "\(Int(hi.rounded()))"
        var axis = [Character](repeating: " ", count: width + 2)
        func put(_ s: String, at column: Int) {
            let start = max(0, min(axis.count - s.count, column))
            for (k, ch) in s.enumerated() { axis[start + k] = ch }
        }
        put(left, at: 1)
        put(middle, at: 1 + width / 2 - middle.count / 2)
        put(right, at: width + 1 - right.count)
        lines.append(String(axis))
        return lines.joined(separator: "\n") + "\n"
    }
}
