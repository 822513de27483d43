import Foundation
import LabStore
import NIOCore
import PostgresNIO

/// `tld db copy`: a whole lab from another backend (``LabTableSource``) into an empty PostgreSQL lab,
/// in one transaction, keeping every id and every value; and the backend-independent checksum of a
/// table (``LabTableChecksum``) that verifies it.
///
/// **Interlocks during the copy.** The lab's history is valid but its rows, loaded table by table,
/// are not a replay of the cycle: a `cardIssue` row arrives after its card already holds its final
/// state, so the BEFORE INSERT interlocks (`cardIssue_needsAvailableCard`, …) would refuse it, and the
/// AFTER triggers that keep derived rows (the portal's overview counter, the level checks) would add
/// rows that the source already has. The tables' foreign keys also form cycles (`card.currentIssueID`
/// ↔ `cardIssue.cardID`, `enrolment.handedOverFromIssueID` ↔ `cardIssue.enrolmentID`) that no load
/// order satisfies, and none is deferrable. So the copy runs with `SET LOCAL
/// session_replication_role = replica`, which fires neither user triggers nor the foreign-key
/// triggers, for this transaction only (SET LOCAL ends with the transaction; no other session ever
/// sees the triggers off, unlike `ALTER TABLE … DISABLE TRIGGER`, which would also need an ACCESS
/// EXCLUSIVE lock per table and cannot switch the foreign keys off without superuser rights either).
/// Setting it needs a superuser or `GRANT SET ON PARAMETER session_replication_role` (PostgreSQL 15+):
/// ``copyPermission()`` says so before anything is written. Before COMMIT the role is set back to
/// `origin` and every foreign key is checked by a query (no row may refer to a missing one), so the
/// copied lab keeps referential integrity; after COMMIT every interlock applies again. (PostgreSQL
/// manual, `session_replication_role`: replica fires no ordinary trigger and, "since foreign keys are
/// implemented as triggers", no foreign-key check; superusers or a SET privilege only:
/// https://www.postgresql.org/docs/15/runtime-config-client.html.)
extension PostgresLabStore {
    /// The lab's tables on PostgreSQL (lower-case names; the migrations' bookkeeping left out) with
    /// each column's `data_type`.
    static func labColumnTypes(_ session: PostgresSession) throws -> [String: [String: String]] {
        var tables: [String: [String: String]] = [:]
        for row in try session.query("""
            SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'tld_schema_migrations'
            """) {
            let (table, column, type) = try row.decode((String, String, String).self)
            tables[table, default: [:]][column] = type
        }
        return tables
    }

    /// Each lab table's columns (lower-case) and their kinds, for ``LabTableChecksum``.
    public func labColumnKinds() throws(LabStoreError) -> [String: [String: LabColumnKind]] {
        try withSession("read the lab's columns") { session in
            try Self.labColumnTypes(session).mapValues { columns in columns.mapValues { LabColumnKind(postgresType: $0) ?? .text } }
        }
    }

    /// Nil when this login may switch the triggers off inside its own transaction (see the type's
    /// note), else PostgreSQL's reason. Writes nothing.
    public func copyPermission() throws(LabStoreError) -> String? {
        try withSession("check the copy's rights") { session in
            try session.execute("BEGIN")
            defer { try? session.execute("ROLLBACK") }
            do {
                try session.execute("SET LOCAL session_replication_role = replica")
                return nil
            } catch {
                return PostgresErrorMapping.reason(error)
            }
        }
    }

    /// Copies `tables` (the source's names) from `source` in one transaction: refuses (nothing
    /// written) when a PostgreSQL table already holds rows — except a table in `referenceTables`
    /// (rows every new lab has, e.g. the allowed card transitions) whose rows equal the source's —,
    /// when a source table with rows has no PostgreSQL table or other columns; then inserts every row
    /// with its ids, `pageSize` rows per statement, with the triggers off (see the type's note),
    /// moves every identity sequence past the largest id, checks every foreign key, compares every
    /// table's ``LabTableChecksum`` with the source's, and commits.
    ///
    /// - Returns: the rows inserted per table (source names; the reference tables left as they were
    ///   are not in it).
    /// - Throws: ``LabStoreError/invalidRecord(_:)`` for the refusals above (nothing is copied) or a
    ///   foreign key without its row; ``LabStoreError/unexpected(operation:message:)`` with
    ///   ``verifyOperation`` naming the tables whose checksum differs (rolled back); the database's
    ///   own refusals.
    @discardableResult
    public func copyLab(
        from source: any LabTableSource, tables: [String], referenceTables: Set<String>, pageSize: Int = 200
    ) throws(LabStoreError) -> [String: Int] {
        let counts = try source.tableRowCounts()
        return try transaction("copy the lab in") { session in
            let types = try Self.labColumnTypes(session)
            // 1. The target holds no lab, and takes every table of the source.
            var keep = Set<String>()
            for table in types.keys.sorted() {
                guard let n = try session.query("SELECT count(*) FROM \(table)").first?.decode(Int64.self), n > 0 else { continue }
                let sourceName = tables.first { $0.lowercased() == table } ?? table
                if referenceTables.contains(sourceName.lowercased()), let columns = types[table] {
                    let kinds = columns.mapValues { LabColumnKind(postgresType: $0) ?? .text }
                    let sourceColumns = try source.tableColumns(sourceName)
                    if try Self.checksum(session, table: table, columns: sourceColumns.map { $0.lowercased() }, kinds: kinds)
                        == source.tableChecksum(sourceName, kinds: kinds) {
                        keep.insert(table)
                        continue
                    }
                    throw LabStoreError.invalidRecord(
                        "the PostgreSQL table \(sourceName) holds \(n) rows that differ from the lab's: copy into an empty database")
                }
                throw LabStoreError.invalidRecord("the PostgreSQL table \(sourceName) already holds \(n) rows: copy into an empty database")
            }
            var plan: [(source: String, name: String, columns: [String], types: [String: String])] = []
            for table in tables {
                let name = table.lowercased()
                guard let columnTypes = types[name] else {
                    if let n = counts[table], n > 0 {
                        throw LabStoreError.invalidRecord("the SQLite table \(table) (\(n) rows) has no PostgreSQL counterpart")
                    }
                    continue
                }
                guard !keep.contains(name), (counts[table] ?? 0) > 0 else { continue }
                let columns = try source.tableColumns(table).map { $0.lowercased() }
                guard Set(columns) == Set(columnTypes.keys) else {
                    throw LabStoreError.invalidRecord("table \(table): SQLite has the columns \(columns.sorted()), PostgreSQL \(columnTypes.keys.sorted())")
                }
                plan.append((table, name, columns, columnTypes))
            }

            // 2. The rows, with the triggers (interlocks, derived rows, foreign keys) off for this transaction only.
            try session.execute("SET LOCAL session_replication_role = replica")
            var inserted: [String: Int] = [:]
            for table in plan {
                var pageError: (any Error)?
                do {
                    try source.forEachRowPage(table.source, pageSize: pageSize) { page in
                        do {
                            try Self.insert(page.rows, into: table.name, columns: table.columns, types: table.types, session: session)
                            inserted[table.source, default: 0] += page.rows.count
                        } catch {
                            pageError = error  // the PostgreSQL error, not the SQLite reader's wrapping of it
                            throw error
                        }
                    }
                } catch {
                    if let pageError { throw PostgresErrorMapping.map(pageError, operation: "copy table \(table.source)") }
                    throw error
                }
                for (column, _) in table.types {
                    var b = PostgresBindings()
                    b.append(table.name)
                    b.append(column)
                    guard let sequence = try session.query("SELECT pg_get_serial_sequence($1, $2)", b).first?.decode(String?.self) else { continue }
                    try session.execute("SELECT setval('\(sequence)', coalesce(max(\(column)), 1), max(\(column)) IS NOT NULL) FROM \(table.name)")
                }
            }

            // 3. The interlocks on again (before COMMIT) and every foreign key checked.
            try session.execute("SET LOCAL session_replication_role = origin")
            for row in try session.query(Self.foreignKeysSQL) {
                let (child, parent, from, to) = try row.decode((String, String, String, String).self)
                let (fromColumns, toColumns) = (from.split(separator: ","), to.split(separator: ","))
                let present = fromColumns.map { "c.\($0) IS NOT NULL" }.joined(separator: " AND ")
                let match = zip(fromColumns, toColumns).map { "p.\($1) = c.\($0)" }.joined(separator: " AND ")
                let orphans = try session.query("""
                    SELECT count(*) FROM \(child) c WHERE \(present) AND NOT EXISTS (SELECT 1 FROM \(parent) p WHERE \(match))
                    """).first?.decode(Int64.self) ?? 0
                if orphans > 0 {
                    throw LabStoreError.invalidRecord("\(orphans) rows of \(child) refer to \(parent) rows that are not there (\(from) → \(to))")
                }
            }
            // 4. Verified before COMMIT: a difference rolls the whole copy back.
            var differences: [String] = []
            for table in tables {
                let name = table.lowercased()
                guard let columnTypes = types[name] else { continue }
                let kinds = columnTypes.mapValues { LabColumnKind(postgresType: $0) ?? .text }
                let mine = try source.tableChecksum(table, kinds: kinds)
                let theirs = try Self.checksum(session, table: name, columns: try source.tableColumns(table).map { $0.lowercased() }, kinds: kinds)
                if mine.rows != theirs.rows {
                    differences.append("\(table): \(mine.rows) rows in the source, \(theirs.rows) in PostgreSQL")
                } else if mine != theirs {
                    differences.append("\(table): the checksums of its content differ")
                }
            }
            if !differences.isEmpty {
                throw LabStoreError.unexpected(operation: Self.verifyOperation, message: differences.joined(separator: "; "))
            }
            return inserted
        }
    }

    /// The operation a verification difference inside ``copyLab(from:tables:referenceTables:pageSize:)`` names.
    public static let verifyOperation = "verify the copy"

    /// Every foreign key of the lab's schema: child table, parent table, their columns (comma-separated, in order).
    static let foreignKeysSQL = """
        SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
               (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
               (SELECT string_agg(a.attname::text, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)
        FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
        """

    /// One multi-row INSERT of `rows`, ids kept. Each value goes as text cast by the server to its
    /// column's type (integers, booleans from 0/1, `timestamptz` from SQLite's UTC
    /// "yyyy-MM-dd HH:mm:ss.SSS" — the session's time zone is UTC —, `date`, `jsonb`, `double
    /// precision` from the shortest round-trip decimal); blobs go as `bytea`.
    static func insert(
        _ rows: [[LabTableValue]], into table: String, columns: [String], types: [String: String], session: PostgresSession
    ) throws {
        guard !rows.isEmpty else { return }
        var binds = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        tuples.reserveCapacity(rows.count)
        var n = 0
        for row in rows {
            var placeholders: [String] = []
            for (value, column) in zip(row, columns) {
                n += 1
                placeholders.append(types[column] == "bytea" ? "$\(n)" : "$\(n)::\(types[column] ?? "text")")
                switch value {
                case .null:
                    if types[column] == "bytea" { try binds.append(Data?.none) } else { binds.append(String?.none) }
                case let .integer(x): binds.append(types[column] == "boolean" ? (x != 0 ? "true" : "false") : String(x))
                case let .real(x): binds.append("\(x)")
                case let .text(x): binds.append(x)
                case let .blob(x): try binds.append(Data(x))
                }
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        try session.execute("""
            INSERT INTO \(table) (\(columns.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES \(tuples.joined(separator: ", "))
            """, binds)
    }

    /// The checksum (``LabTableChecksum``) of `table` (lower-case), its `columns` in the source's
    /// order, read page by page through a cursor in a read-only transaction.
    public func tableChecksum(_ table: String, columns: [String], kinds: [String: LabColumnKind]) throws(LabStoreError) -> LabTableChecksum {
        try transaction("checksum table \(table)") { session in
            try session.execute("SET TRANSACTION READ ONLY")
            return try Self.checksum(session, table: table.lowercased(), columns: columns.map { $0.lowercased() }, kinds: kinds)
        }
    }

    /// The checksum inside an open transaction (the cursor lives until its end).
    static func checksum(_ session: PostgresSession, table: String, columns: [String], kinds: [String: LabColumnKind]) throws -> LabTableChecksum {
        let columnKinds = columns.map { kinds[$0] ?? .text }
        let selected = zip(columns, columnKinds).map { column, kind -> String in
            switch kind {
            case .integer: "\(column)::bigint"
            case .boolean: "\(column)::int::bigint"
            case .real: "\(column)::double precision"
            case .timestamp: "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
            case .blob: column
            case .text, .date, .json: "\(column)::text"
            }
        }
        var accumulator = LabTableChecksum.Accumulator(kinds: columnKinds)
        let cursor = "tld_checksum_\(table)"
        try session.execute("DECLARE \(cursor) NO SCROLL CURSOR FOR SELECT \(selected.joined(separator: ", ")) FROM \(table)")
        while true {
            let rows = try session.query("FETCH FORWARD 500 FROM \(cursor)")
            if rows.isEmpty { break }
            for row in rows {
                let cells = row.makeRandomAccess()
                accumulator.add(try columnKinds.indices.map { i -> LabTableValue in
                    switch columnKinds[i] {
                    case .integer, .boolean: try cells[i].decode(Int64?.self).map(LabTableValue.integer) ?? .null
                    case .real: try cells[i].decode(Double?.self).map(LabTableValue.real) ?? .null
                    case .blob: try cells[i].decode(ByteBuffer?.self).map { .blob(Array($0.readableBytesView)) } ?? .null
                    case .text, .date, .json, .timestamp: try cells[i].decode(String?.self).map(LabTableValue.text) ?? .null
                    }
                })
            }
        }
        try session.execute("CLOSE \(cursor)")
        return accumulator.finish()
    }
}
