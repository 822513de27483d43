import Foundation
import LabStore
import PostgresNIO

/// Raw rows into PostgreSQL (tests that need rows no store method writes yet) and the copy's
/// verification: row counts and the raw curves' SHA-256 (the whole-lab copy: PostgresLabStore+LabCopy.swift).
extension PostgresLabStore {
    /// Inserts `tables` (parents first) in one transaction with their ids, then moves each
    /// identity sequence past the largest id. Each value is sent as text and cast to the column's
    /// type by the server (integers, booleans 0/1, `timestamptz` from SQLite's UTC
    /// "yyyy-MM-dd HH:mm:ss.SSS", `jsonb`, `double precision`); blobs go as `bytea`.
    ///
    /// - Throws: ``LabStoreError/invalidRecord(_:)`` when a target table already holds rows or its
    ///   columns differ from the source's (nothing is copied then); the database's own refusals.
    public func copyIn(_ tables: [LabTableRows]) throws(LabStoreError) {
        try transaction("copy the lab in") { session in
            for table in tables {
                let name = table.table.lowercased()
                if let n = try session.query("SELECT count(*) FROM \(name)").first?.decode(Int64.self), n > 0 {
                    throw LabStoreError.invalidRecord("the PostgreSQL table \(table.table) already holds \(n) rows: copy into an empty database")
                }
                var b = PostgresBindings()
                b.append(name)
                let types = try Dictionary(uniqueKeysWithValues: session.query("""
                    SELECT column_name, data_type FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = $1
                    """, b).map { try $0.decode((String, String).self) })
                let columns = table.columns.map { $0.lowercased() }
                guard Set(columns) == Set(types.keys) else {
                    throw LabStoreError.invalidRecord("table \(table.table): SQLite has the columns \(columns.sorted()), PostgreSQL \(types.keys.sorted())")
                }
                let placeholders = columns.enumerated().map { i, column in
                    types[column] == "bytea" ? "$\(i + 1)" : "$\(i + 1)::\(types[column] ?? "text")"
                }
                let insert = "INSERT INTO \(name) (\(columns.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES (\(placeholders.joined(separator: ", ")))"
                for row in table.rows {
                    var binds = PostgresBindings()
                    for (value, column) in zip(row, columns) {
                        switch value {
                        case .null: binds.append(String?.none)
                        case let .integer(x): binds.append(types[column] == "boolean" ? (x != 0 ? "true" : "false") : String(x))
                        case let .real(x): binds.append("\(x)")
                        case let .text(x): binds.append(x)
                        case let .blob(x): try binds.append(Data(x))
                        }
                    }
                    try session.execute(insert, binds)
                }
                if types["id"] == "bigint" {  // identity ids (not the text ids of card, customer)
                    try session.execute("SELECT setval(pg_get_serial_sequence('\(name)', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM \(name)")
                }
            }
        }
    }

    /// Rows per table of the lab (every table but the migrations' bookkeeping), by lower-case name.
    public func tableRowCounts() throws(LabStoreError) -> [String: Int] {
        try withSession("count the tables") { session in
            var counts: [String: Int] = [:]
            for table in try Self.labColumnTypes(session).keys {
                counts[table] = Int(try session.query("SELECT count(*) FROM \(table)").first?.decode(Int64.self) ?? 0)
            }
            return counts
        }
    }

    /// SHA-256 (hex), computed by the server, over the counts blob followed by the temperatures blob
    /// of every stored curve, by element reading id.
    public func curveDigests() throws(LabStoreError) -> [Int64: String] {
        try withSession("digest the raw curves") { session in
            var digests: [Int64: String] = [:]
            for row in try session.query("""
                SELECT id, encode(sha256(counts || temperatures), 'hex') FROM elementReading WHERE counts IS NOT NULL
                """) {
                let (id, digest) = try row.decode((Int64, String).self)
                digests[id] = digest
            }
            return digests
        }
    }
}
