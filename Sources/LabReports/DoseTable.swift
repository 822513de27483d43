import Foundation

/// One row of a readout's result list.
public struct DoseRow: Sendable, Hashable, Codable {
    public var cardID: String
    public var role: String
    /// nil when not assessable.
    public var hp10MilliSievert: Double?
    public var hp007MilliSievert: Double?
    public var detectionLimitMilliSievert: Double?
    public var flags: [String]
    public var remarks: [String]
    public var state: String

    public init(
        cardID: String, role: String, hp10MilliSievert: Double?, hp007MilliSievert: Double?,
        detectionLimitMilliSievert: Double?, flags: [String], remarks: [String], state: String
    ) {
        self.cardID = cardID
        self.role = role
        self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert
        self.detectionLimitMilliSievert = detectionLimitMilliSievert
        self.flags = flags
        self.remarks = remarks
        self.state = state
    }
}

/// Output formats for a list of doses.
public enum DoseTableFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Renders dose rows as a terminal table, CSV (RFC 4180) or JSON.
public enum DoseTable {
    public static func render(_ rows: [DoseRow], as format: DoseTableFormat) -> String {
        switch format {
        case .table: table(rows)
        case .csv: csv(rows)
        case .json: json(rows)
        }
    }

    /// mSv with three decimals; "<DL" below the detection limit; "n/a" when not assessable.
    public static func dose(_ v: Double?, limit: Double?) -> String {
        guard let v else { return "n/a" }
        if let limit, v < limit { return "<" + String(format: "%.2f", limit) }
        return String(format: "%.3f", v)
    }

    static func table(_ rows: [DoseRow]) -> String {
        let header = ["card", "role", "Hp(10) mSv", "Hp(0.07) mSv", "state", "flags"]
        let body = rows.map { r in
            [r.cardID, r.role, dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert),
             dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert), r.state,
             r.flags.joined(separator: ",")]
        }
        var widths = header.map(\.count)
        for row in body { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return (i == 2 || i == 3) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += body.map(line)
        return out.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func csv(_ rows: [DoseRow]) -> String {
        var out = "card_id,role,hp10_msv,hp007_msv,detection_limit_msv,state,flags,remarks\r\n"
        for r in rows {
            let cells = [
                r.cardID, r.role, r.hp10MilliSievert.map { String(format: "%.4f", $0) } ?? "",
                r.hp007MilliSievert.map { String(format: "%.4f", $0) } ?? "",
                r.detectionLimitMilliSievert.map { String(format: "%.3f", $0) } ?? "",
                r.state, r.flags.joined(separator: ";"), r.remarks.joined(separator: "; "),
            ]
            out += cells.map(csvField).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func json(_ rows: [DoseRow]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? enc.encode(rows) else { return "[]\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
