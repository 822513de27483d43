import Crypto
import Foundation
import GRDB

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
    static let curveTable = "elementReading"
    static let doseTable = "doseResult"

    /// Reads the content of the database `db` (call inside one read transaction).
    static func read(_ db: Database) throws -> BackupContent {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let migrations = try db.tableExists("grdb_migrations")
            ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
        var schema = SHA256()
        for row in try Row.fetchAll(db, sql: """
            SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name
            """) {
            RowEncoding.feed(row, into: &schema)
        }
        var keyCheck: String?
        if try db.tableExists("nationalIDKeyCheck"),
           let value = try Data.fetchOne(db, sql: "SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1") {
            keyCheck = NationalIDKeyring.displayCheckValue(value)
        }
        let names = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name
            """)
        var tables: [Table] = []
        var curves: [Record] = []
        var doses: [Record] = []
        for name in names {
            let quoted = name.quotedDatabaseIdentifier
            let keyColumns = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
                                              arguments: [name]).map { ($0["name"] as String).quotedDatabaseIdentifier }
            let order = keyColumns.isEmpty ? "rowid" : keyColumns.joined(separator: ", ")
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [name])
            var hasher = SHA256()
            hasher.update(data: Data(columns.joined(separator: "\u{1F}").utf8))
            var count = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(quoted) ORDER BY \(order)")
            while let row = try cursor.next() {
                count += 1
                let bytes = RowEncoding.bytes(of: row)
                hasher.update(data: bytes)
                if name == curveTable || name == doseTable {
                    let id: Int64 = row["id"] ?? 0
                    let batch: Int64 = row["batchID"] ?? 0
                    let card: String = row["cardID"] ?? "?"
                    let what = name == curveTable
                        ? "batch \(batch) card \(card) element \(row["element"] as Int64? ?? 0)"
                        : "batch \(batch) card \(card) version \(row["version"] as Int64? ?? 0)"
                    let record = Record(id: id, what: what, sha256: SHA256.hash(data: bytes).hexString)
                    if name == curveTable { curves.append(record) } else { doses.append(record) }
                }
            }
            tables.append(Table(name: name, rows: count, sha256: hasher.finalize().hexString))
        }
        return BackupContent(applicationID: applicationID, migrations: migrations,
                             schemaSHA256: schema.finalize().hexString, nationalIDKeyCheck: keyCheck,
                             tables: tables, curves: curves, doses: doses)
    }

    /// Reads the content of the SQLite file at `path` in one read transaction, writing nothing to it.
    public static func read(databaseAt path: String) throws(LabStoreError) -> BackupContent {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .cannotOpen(path: path, reason: "no such file")
        }
        do {
            var configuration = Configuration()
            configuration.label = "BackupContent"
            configuration.busyMode = .timeout(LabDatabase.busyTimeoutSeconds)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read(read)
        } catch {
            throw LabStoreError.wrapping(error, operation: "read the database for its manifest")
        }
    }

    /// The content of this open lab database, in one read transaction (a consistent snapshot).
    public static func read(_ database: LabDatabase) throws(LabStoreError) -> BackupContent {
        do {
            return try database.writer.read(read)
        } catch {
            throw LabStoreError.wrapping(error, operation: "read the database for its manifest")
        }
    }

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

/// A row as bytes for hashing: each value tagged with its SQLite storage class, so that the integer 1,
/// the real 1.0, the text "1" and NULL never hash alike; text and blobs carry their length.
enum RowEncoding {
    static func bytes(of row: Row) -> Data {
        var data = Data()
        for value in row.databaseValues {
            switch value.storage {
            case .null:
                data.append(0)
            case let .int64(v):
                data.append(1)
                withUnsafeBytes(of: v.bigEndian) { data.append(contentsOf: $0) }
            case let .double(v):
                data.append(2)
                withUnsafeBytes(of: v.bitPattern.bigEndian) { data.append(contentsOf: $0) }
            case let .string(s):
                data.append(3)
                let utf8 = Data(s.utf8)
                withUnsafeBytes(of: UInt64(utf8.count).bigEndian) { data.append(contentsOf: $0) }
                data.append(utf8)
            case let .blob(b):
                data.append(4)
                withUnsafeBytes(of: UInt64(b.count).bigEndian) { data.append(contentsOf: $0) }
                data.append(b)
            }
        }
        return data
    }

    static func feed(_ row: Row, into hasher: inout SHA256) {
        hasher.update(data: bytes(of: row))
    }
}

extension Digest {
    /// Lower-case hexadecimal.
    var hexString: String { HexString.lowercase(Array(self)) }
}

/// Bytes as lower-case hexadecimal (without `String(format:)`: a manifest holds tens of thousands).
enum HexString {
    private static let digits = Array("0123456789abcdef".utf8)
    static func lowercase(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
