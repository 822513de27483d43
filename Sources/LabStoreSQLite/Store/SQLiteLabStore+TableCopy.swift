import Crypto
import Foundation
import GRDB
import LabStore

/// The SQLite lab as plain rows (``LabTableSource``), read in one read transaction each.
extension SQLiteLabStore: LabTableSource {
    public func tableNames() throws(LabStoreError) -> [String] {
        try read("list the lab's tables") { db in try Self.labTables(db) }
    }

    public func tableColumns(_ table: String) throws(LabStoreError) -> [String] {
        try read("read the columns of \(table)", table: table) { db in try db.columns(in: table).map(\.name) }
    }

    static func labTables(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
            ORDER BY name
            """)
    }

    public func tableRowCounts() throws(LabStoreError) -> [String: Int] {
        try read("count the lab's tables") { db in
            var counts: [String: Int] = [:]
            for name in try Self.labTables(db) {
                let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0
                if n > 0 { counts[name] = n }
            }
            return counts
        }
    }

    public func tableRows(_ table: String) throws(LabStoreError) -> LabTableRows {
        var all = LabTableRows(table: table, columns: [], rows: [])
        try forEachRowPage(table, pageSize: 10_000) { page in
            all.columns = page.columns
            all.rows += page.rows
        }
        return all
    }

    public func forEachRowPage(_ table: String, pageSize: Int, _ body: (LabTableRows) throws -> Void) throws(LabStoreError) {
        try read("read table \(table)", table: table) { db in
            let columns = try db.columns(in: table).map(\.name)
            let order = try db.primaryKey(table).columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY \(order)")
            var page = LabTableRows(table: table, columns: columns, rows: [])
            page.rows.reserveCapacity(pageSize)
            while let row = try cursor.next() {
                page.rows.append((0..<row.count).map { Self.tableValue(row[$0]) })
                if page.rows.count >= pageSize {
                    try body(page)
                    page.rows.removeAll(keepingCapacity: true)
                }
            }
            if !page.rows.isEmpty { try body(page) }
        }
    }

    static func tableValue(_ value: DatabaseValue) -> LabTableValue {
        switch value.storage {
        case let .int64(x): .integer(x)
        case let .double(x): .real(x)
        case let .string(x): .text(x)
        case let .blob(x): .blob([UInt8](x))
        case .null: .null
        }
    }

    public func tableChecksum(_ table: String, kinds: [String: LabColumnKind]) throws(LabStoreError) -> LabTableChecksum {
        try read("checksum table \(table)", table: table) { db in
            let columns = try db.columns(in: table).map(\.name)
            let columnKinds = columns.map { kinds[$0.lowercased()] ?? .text }
            // Time stamps in their canonical text (LabTableChecksum): SQLite renders them.
            let selected = zip(columns, columnKinds).map { column, kind in
                kind == .timestamp
                    ? "strftime('%Y-%m-%d %H:%M:%f', \(column.quotedDatabaseIdentifier))"
                    : column.quotedDatabaseIdentifier
            }
            var accumulator = LabTableChecksum.Accumulator(kinds: columnKinds)
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(selected.joined(separator: ", ")) FROM \(table.quotedDatabaseIdentifier)")
            while let row = try cursor.next() {
                accumulator.add((0..<row.count).map { Self.tableValue(row[$0]) })
            }
            return accumulator.finish()
        }
    }

    public func curveDigests() throws(LabStoreError) -> [Int64: String] {
        try read("digest the raw curves", table: "elementReading") { db in
            var digests: [Int64: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, counts, temperatures FROM elementReading WHERE counts IS NOT NULL")
            while let row = try rows.next() {
                var hash = SHA256()
                hash.update(data: row["counts"] as Data? ?? Data())
                hash.update(data: row["temperatures"] as Data? ?? Data())
                digests[row["id"]] = LabTableChecksum.hex(Array(hash.finalize()))
            }
            return digests
        }
    }
}
