import ArgumentParser
import LabReports

/// How the master-data commands print records.
enum ListFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, csv, json
}

/// Rows of named columns, printed as an aligned table, RFC 4180 CSV (CRLF) or a JSON array of objects
/// whose keys keep the column order.
struct RecordListing {
    let columns: [String]
    var rows: [[String]] = []

    func render(_ format: ListFormat) -> String {
        switch format {
        case .table:
            // A multi-line address stays on its row: lines joined by " / ".
            return rows.isEmpty ? "(none)\n" : ReportFormatting.textTable(columns, rows.map { $0.map(Self.oneLine) })
        case .csv:
            return ([columns] + rows).map { $0.map(ReportFormatting.csv).joined(separator: ",") + "\r\n" }.joined()
        case .json:
            let objects = rows.map { row in
                "  {" + zip(columns, row).map { "\(Self.json($0)): \(Self.json($1))" }.joined(separator: ", ") + "}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        }
    }

    /// One record: `name: value` lines as the table form, else as ``render(_:)``.
    func renderRecord(_ format: ListFormat) -> String {
        guard format == .table, let row = rows.first else { return render(format) }
        let width = columns.map(\.count).max() ?? 0
        return zip(columns, row).map { ReportFormatting.pad($0 + ":", width + 1) + " " + Self.oneLine($1) }.joined(separator: "\n") + "\n"
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " / ")
    }

    /// A JSON string literal (RFC 8259 §7).
    static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
