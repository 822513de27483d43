import Crypto
import Foundation
import GRDB
import LabStore

/// Reading a ``BackupContent`` from a SQLite lab database.
extension BackupContent {
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
