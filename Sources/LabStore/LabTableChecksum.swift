import Crypto
import Foundation

/// What a column holds, as far as its canonical text (``LabTableChecksum``) is concerned. The kind
/// is the schema's meaning of the column, taken from the PostgreSQL declaration (SQLite's declared
/// types are coarser: a date, a time stamp and a JSON document are all TEXT there).
public enum LabColumnKind: Sendable, Hashable {
    case integer, boolean, real, text, date, timestamp, json, blob

    /// The kind of a PostgreSQL `information_schema.columns.data_type`; nil for a type the lab's
    /// schema does not use.
    public init?(postgresType: String) {
        switch postgresType {
        case "bigint", "integer", "smallint": self = .integer
        case "boolean": self = .boolean
        case "double precision", "real": self = .real
        case "text", "character varying": self = .text
        case "date": self = .date
        case "timestamp with time zone": self = .timestamp
        case "jsonb", "json": self = .json
        case "bytea": self = .blob
        default: return nil
        }
    }
}

/// The checksum of one table's content, the same on every backend that holds the same data (the
/// verification of `tld db copy`).
///
/// **Canonical form.** Each value becomes text: NULL is `\N`; an integer its decimal digits; a
/// boolean `0` or `1` (SQLite stores booleans as 0/1); a real the shortest decimal that reads back
/// as the same IEEE-754 double (Swift's `Double.description`); a time stamp
/// `yyyy-MM-dd HH:mm:ss.SSS` in UTC (the backend renders it: SQLite `strftime('%Y-%m-%d %H:%M:%f')`,
/// PostgreSQL `to_char(… AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')`; both stores keep
/// milliseconds); a date `yyyy-MM-dd`; a JSON document re-serialised with sorted keys (PostgreSQL's
/// `jsonb` reorders keys and drops white space); a blob its lower-case hex; text as it is. In text,
/// `\`, tab, line feed and carriage return are written `\\`, `\t`, `\n`, `\r`. A row is its values
/// in the source's column order joined by tabs; its digest is the SHA-256 of that line in UTF-8.
/// The table's checksum is the SHA-256 over the row digests sorted bytewise: it does not depend on
/// the order either database returns the rows in, nor on its collation.
public struct LabTableChecksum: Sendable, Hashable, CustomStringConvertible {
    public let rows: Int
    /// SHA-256, lower-case hex.
    public let sha256: String

    public var description: String { "\(rows) rows, SHA-256 \(sha256.prefix(16))…" }

    /// Collects a table's rows (in any order) into its checksum.
    public struct Accumulator: Sendable {
        let kinds: [LabColumnKind]
        var digests: [[UInt8]] = []

        /// `kinds`: each column's kind, in the order the rows give their values.
        public init(kinds: [LabColumnKind]) { self.kinds = kinds }

        public mutating func add(_ row: [LabTableValue]) {
            var line = ""
            for (i, value) in row.enumerated() {
                if i > 0 { line += "\t" }
                line += LabTableChecksum.canonicalText(value, kind: i < kinds.count ? kinds[i] : .text)
            }
            digests.append(Array(SHA256.hash(data: Array(line.utf8))))
        }

        public func finish() -> LabTableChecksum {
            var hash = SHA256()
            for digest in digests.sorted(by: { $0.lexicographicallyPrecedes($1) }) { hash.update(data: digest) }
            return LabTableChecksum(rows: digests.count, sha256: LabTableChecksum.hex(Array(hash.finalize())))
        }
    }

    public init(rows: Int, sha256: String) {
        self.rows = rows
        self.sha256 = sha256
    }

    /// One value's canonical text (see the type's description).
    public static func canonicalText(_ value: LabTableValue, kind: LabColumnKind) -> String {
        switch (value, kind) {
        case (.null, _): return "\\N"
        case let (.integer(x), .real): return escaped(Double(x).description)
        case let (.integer(x), _): return String(x)
        case let (.real(x), .integer), let (.real(x), .boolean):
            return x.rounded() == x && abs(x) < 9e18 ? String(Int64(x)) : escaped(x.description)
        case let (.real(x), _): return escaped(x.description)
        case let (.text(s), .json): return escaped(canonicalJSON(s))
        case let (.text(s), .blob): return hex(Array(s.utf8))
        case let (.text(s), _): return escaped(s)
        case let (.blob(b), _): return hex(b)
        }
    }

    /// JSON re-serialised with sorted keys and no white space; text that is not JSON stays as it is.
    static func canonicalJSON(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]),
              let canonical = String(data: data, encoding: .utf8) else { return text }
        return canonical
    }

    static func escaped(_ s: String) -> String {
        // By Unicode scalar: "\r\n" is one Character in Swift.
        guard s.unicodeScalars.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default: out.append(c)
            }
        }
        return String(out)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0F)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
