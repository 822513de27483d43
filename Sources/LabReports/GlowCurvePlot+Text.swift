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
