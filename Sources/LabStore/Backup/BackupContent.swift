import Crypto
import Foundation

/// What a lab database holds, as checksums: the part of a backup manifest read from the database.
///
/// Computed in one read transaction (one snapshot): the applied migrations, a SHA-256 of the schema
/// (every table, index and trigger as SQLite stores its SQL), the national-ID key's check value (never
/// the key), and per table its row count and a SHA-256 over its rows in primary-key order. The raw
/// glow curves (`elementReading`) and the dose versions (`doseResult`) also get one SHA-256 per row, so
/// that a difference names the curve or dose version, not only the table. Tables other branches add
/// later are covered without change: the tables are read from `sqlite_master`.
public struct BackupContent: Codable, Sendable, Equatable {
    /// One table: its row count and the SHA-256 of its column names and rows.
    public struct Table: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var sha256: String

        public init(name: String, rows: Int, sha256: String) {
            self.name = name
            self.rows = rows
            self.sha256 = sha256
        }
    }

    /// One row of `elementReading` (a raw curve, or a lost/absent element) or `doseResult` (a version).
    public struct Record: Codable, Sendable, Equatable {
        public var id: Int64
        /// Which card and batch (and element or version): for the person reading a difference.
        public var what: String
        public var sha256: String

        public init(id: Int64, what: String, sha256: String) {
            self.id = id
            self.what = what
            self.sha256 = sha256
        }
    }

    /// SQLite's `PRAGMA application_id` (the lab's is 0x544C444C, "TLDL").
    public var applicationID: Int32
    /// The applied migrations, in order (the schema version).
    public var migrations: [String]
    public var schemaSHA256: String
    /// The national-ID key's check value as `tld key show-check` prints it; nil before the first wearer.
    public var nationalIDKeyCheck: String?
    public var tables: [Table]
    public var curves: [Record]
    public var doses: [Record]

    /// Another backend (PostgreSQL) computes the same content from its own catalog.
    public init(applicationID: Int32, migrations: [String], schemaSHA256: String, nationalIDKeyCheck: String?,
                tables: [Table], curves: [Record], doses: [Record]) {
        self.applicationID = applicationID
        self.migrations = migrations
        self.schemaSHA256 = schemaSHA256
        self.nationalIDKeyCheck = nationalIDKeyCheck
        self.tables = tables
        self.curves = curves
        self.doses = doses
    }

    /// The table of raw readings and the table of dose versions (`v1-readout`).
    package static let curveTable = "elementReading"
    package static let doseTable = "doseResult"

    /// Every way `other` (a database now) differs from `self` (the manifest), one line each.
    public func differences(from other: BackupContent) -> [String] {
        var lines: [String] = []
        if applicationID != other.applicationID {
            lines.append("application ID: manifest \(applicationID), database \(other.applicationID)")
        }
        if migrations != other.migrations {
            lines.append("schema version: manifest \(migrations.last ?? "none") (\(migrations.count) migrations), database \(other.migrations.last ?? "none") (\(other.migrations.count) migrations)")
        }
        if schemaSHA256 != other.schemaSHA256 { lines.append("schema (tables, indexes, triggers) differs") }
        if nationalIDKeyCheck != other.nationalIDKeyCheck {
            lines.append("national-ID key check value: manifest \(nationalIDKeyCheck ?? "none"), database \(other.nationalIDKeyCheck ?? "none")")
        }
        let theirs = Dictionary(other.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let ours = Set(tables.map(\.name))
        for table in tables {
            guard let found = theirs[table.name] else { lines.append("table \(table.name): missing from the database"); continue }
            if found.rows != table.rows {
                lines.append("table \(table.name): \(table.rows) rows in the manifest, \(found.rows) in the database")
            } else if found.sha256 != table.sha256 {
                lines.append("table \(table.name): same \(table.rows) rows counted, contents differ")
            }
        }
        for table in other.tables where !ours.contains(table.name) {
            lines.append("table \(table.name): in the database (\(table.rows) rows), not in the manifest")
        }
        lines += Self.recordDifferences(kind: "curve", ours: curves, theirs: other.curves)
        lines += Self.recordDifferences(kind: "dose version", ours: doses, theirs: other.doses)
        return lines
    }

    private static func recordDifferences(kind: String, ours: [Record], theirs: [Record]) -> [String] {
        let byID = Dictionary(theirs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let ourIDs = Set(ours.map(\.id))
        var lines: [String] = []
        for record in ours {
            guard let found = byID[record.id] else { lines.append("\(kind) \(record.id) (\(record.what)): missing from the database"); continue }
            if found.sha256 != record.sha256 { lines.append("\(kind) \(record.id) (\(record.what)): differs") }
        }
        for record in theirs where !ourIDs.contains(record.id) {
            lines.append("\(kind) \(record.id) (\(record.what)): in the database, not in the manifest")
        }
        return lines
    }
}

extension Digest {
    /// Lower-case hexadecimal.
    package var hexString: String { HexString.lowercase(Array(self)) }
}

/// Bytes as lower-case hexadecimal (without `String(format:)`: a manifest holds tens of thousands).
package enum HexString {
    private static let digits = Array("0123456789abcdef".utf8)
    package static func lowercase(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
