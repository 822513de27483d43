import Foundation

/// Small helpers shared by the lab's reports.
public enum ReportFormatting {
    /// Escapes text for HTML element content and attribute values.
    public static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// An RFC 4180 CSV field: quoted when it holds a comma, quote or line break.
    public static func csv(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Minor currency units as a decimal amount: 12 550 → "125.50".
    public static func money(minorUnits: Int) -> String {
        let sign = minorUnits < 0 ? "-" : ""
        let v = abs(minorUnits)
        let cents = v % 100
        return "\(sign)\(v / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Pads or leaves `text` to `width` characters (left-aligned, or right-aligned when `right`).
    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    /// A plain-text table with a header rule; columns in `rightAligned` are right-aligned.
    public static func textTable(_ header: [String], _ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            trimmingBlanks(cells.enumerated().map { i, c in pad(c, widths[i], right: rightAligned.contains(i)) }.joined(separator: "  "))
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n") + "\n"
    }

    /// The text without blanks (spaces and tabs, not line breaks) at either end: what
    /// `trimmingCharacters(in: .whitespaces)` gives, without a trip through NSString per table line.
    static func trimmingBlanks(_ text: String) -> String {
        func blank(_ c: Character) -> Bool { c.isWhitespace && !c.isNewline }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    static let htmlStyle = """
        <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}\
        th,td{border:1px solid #999;padding:3px 8px;text-align:left}td.n{text-align:right}\
        caption{font-weight:bold;text-align:left;padding:4px 0}.remark{color:#a40}</style>
        """
}
