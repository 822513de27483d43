import Crypto
import Foundation
import GRDB
import LabStore

/// The SQLite lab as plain rows (``LabTableSource``), read in one read transaction each.
extension SQLiteLabStore: LabTableSource {
    public func tableRowCounts() throws(LabStoreError) -> [String: Int] {
        try read("count the lab's tables") { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """)
            var counts: [String: Int] = [:]
            for name in names {
                let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(name.quotedDatabaseIdentifier)") ?? 0
                if n > 0 { counts[name] = n }
            }
            return counts
        }
    }

    public func tableRows(_ table: String) throws(LabStoreError) -> LabTableRows {
        try read("read table \(table)", table: table) { db in
            let columns = try db.columns(in: table).map(\.name)
            let order = try db.primaryKey(table).columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY \(order)").map { row in
                (0..<row.count).map { i -> LabTableValue in
                    switch row[i] as DatabaseValue {
                    case let v where v.isNull: .null
                    case let v:
                        switch v.storage {
                        case let .int64(x): .integer(x)
                        case let .double(x): .real(x)
                        case let .string(x): .text(x)
                        case let .blob(x): .blob([UInt8](x))
                        case .null: .null
                        }
                    }
                }
            }
            return LabTableRows(table: table, columns: columns, rows: rows)
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
                digests[row["id"]] = hash.finalize().map { byte in
                    let s = String(byte, radix: 16)
                    return s.count == 1 ? "0" + s : s
                }.joined()
            }
            return digests
        }
    }
}
