import Foundation
import LabStore
import PostgresNIO

/// What a lab's PostgreSQL schema holds, as checksums: the same ``BackupContent`` the SQLite backups
/// carry, computed by the server from its catalog inside one snapshot (read-only; nothing is written).
///
/// - The tables are every table of the lab's schema in `pg_class` (so tables the other roles add when
///   they move to PostgreSQL are covered without change); per table its exact row count and a SHA-256
///   over the SHA-256 of each row's text form (`t::text`, the record output: quoted fields, NULL empty)
///   in primary-key order.
/// - One SHA-256 per raw curve (`elementreading`) and per dose version (`doseresult`, once that table
///   is on PostgreSQL), so that a difference names the card.
/// - The schema: columns with types, defaults and NOT NULL, constraints, indexes, triggers, functions
///   and sequences, as the server prints their definitions (`pg_get_*def`).
/// The text forms are made independent of the session: `bytea_output = hex`, ISO dates in UTC,
/// shortest exact floats (`extra_float_digits = 1`), `search_path = pg_catalog` so every name prints
/// schema-qualified (https://www.postgresql.org/docs/current/runtime-config-client.html).
/// The migrations come from `tld_schema_migrations`; PostgreSQL has no application ID (0).
enum PostgresBackupContent {
    /// The lab tables whose rows are also listed one by one (lower case: PostgreSQL folds the unquoted
    /// names of ``PostgresReadoutMigration``).
    static let curveTable = "elementreading"
    static let doseTable = "doseresult"

    /// Makes the text forms of values independent of the session (call inside the transaction).
    static func pinSettings(_ session: PostgresSession) throws {
        for setting in ["bytea_output = 'hex'", "extra_float_digits = 1", "DateStyle = 'ISO, YMD'",
                        "IntervalStyle = 'postgres'", "TimeZone = 'UTC'", "search_path = pg_catalog"] {
            try session.execute("SET LOCAL \(setting)")
        }
    }

    /// An identifier quoted for SQL ("name", inner quotes doubled).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads the content of `schema` (call inside a REPEATABLE READ transaction, after ``pinSettings(_:)``).
    static func read(_ session: PostgresSession, schema: String) throws -> BackupContent {
        var b = PostgresBindings()
        b.append(schema)
        let migrationsTable = try session.query("""
            SELECT count(*)::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = 'tld_schema_migrations' AND c.relkind = 'r'
            """, b).first?.decode(Int64.self) ?? 0
        let migrations: [String] = migrationsTable > 0
            ? try session.query("SELECT name FROM \(quoted(schema)).tld_schema_migrations ORDER BY appliedAt, name").map { try $0.decode(String.self) }
            : []

        let schemaDigest = try session.query("""
            SELECT encode(sha256(convert_to(coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE "C"), ''), 'UTF8')), 'hex') FROM (
                SELECT 'column ' || c.relname || ' ' || (row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text || ' ' || a.attname
                       || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' || a.attidentity::text
                       || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS line
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT 'constraint ' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
                  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1
                UNION ALL
                SELECT 'index ' || i.indexname || ' ' || i.indexdef FROM pg_indexes i WHERE i.schemaname = $1
                UNION ALL
                SELECT 'trigger ' || c.relname || ' ' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
                  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND NOT t.tgisinternal
                UNION ALL
                SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid)
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')
                UNION ALL
                SELECT 'view ' || c.relname || ' ' || pg_get_viewdef(c.oid)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')
                UNION ALL
                SELECT 'sequence ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'S'
            ) schema_lines
            """, b).first?.decode(String.self) ?? ""

        var keyCheck: String?
        let tables = try session.query("""
            SELECT c.oid::int8, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname COLLATE "C"
            """, b).map { try $0.decode((Int64, String).self) }
        var counted: [BackupContent.Table] = []
        var curves: [BackupContent.Record] = []
        var doses: [BackupContent.Record] = []
        for (oid, name) in tables {
            var t = PostgresBindings()
            t.append(oid)
            let columns = try session.query("""
                SELECT attname FROM pg_attribute WHERE attrelid = ($1::int8)::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, t).map { try $0.decode(String.self) }
            let keyColumns = try session.query("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                 WHERE i.indrelid = ($1::int8)::oid AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
                """, t).map { try $0.decode(String.self) }
            let order = keyColumns.isEmpty ? "t::text COLLATE \"C\"" : keyColumns.map { "t." + quoted($0) }.joined(separator: ", ")
            let table = "\(quoted(schema)).\(quoted(name))"
            let rowDigest = "sha256(convert_to(t::text, 'UTF8'))"
            guard let summary = try session.query("""
                SELECT count(*)::int8, encode(sha256(convert_to($1, 'UTF8') || coalesce(string_agg(\(rowDigest), ''::bytea ORDER BY \(order)), ''::bytea)), 'hex')
                  FROM \(table) t
                """, { var c = PostgresBindings(); c.append(columns.joined(separator: "\u{1F}")); return c }()).first else { continue }
            let (rows, digest) = try summary.decode((Int64, String).self)
            counted.append(BackupContent.Table(name: name, rows: Int(rows), sha256: digest))

            if name == curveTable || name == doseTable, columns.contains("id") {
                let detail = name == curveTable ? "element" : "version"
                for row in try session.query("""
                    SELECT t.id::int8, coalesce(to_jsonb(t)->>'batchid', '0'), coalesce(to_jsonb(t)->>'cardid', '?'),
                           coalesce(to_jsonb(t)->>'\(detail)', '0'), encode(\(rowDigest), 'hex')
                      FROM \(table) t ORDER BY t.id
                    """) {
                    let (id, batch, card, which, sha) = try row.decode((Int64, String, String, String, String).self)
                    let record = BackupContent.Record(id: id, what: "batch \(batch) card \(card) \(detail) \(which)", sha256: sha)
                    if name == curveTable { curves.append(record) } else { doses.append(record) }
                }
            }
            if name == "nationalidkeycheck", columns.contains("checkvalue"), columns.contains("id"),
               let value = try session.query("SELECT checkvalue FROM \(table) WHERE id = 1").first?.decode(Data?.self) {
                keyCheck = NationalIDKeyring.displayCheckValue(value)
            }
        }
        return BackupContent(applicationID: 0, migrations: migrations, schemaSHA256: schemaDigest,
                             nationalIDKeyCheck: keyCheck, tables: counted, curves: curves, doses: doses)
    }
}

extension PostgresLabStore {
    /// The schema that holds the lab's tables: the URL's `schema=`, else `public`.
    public var labSchema: String { url.schema ?? "public" }

    /// The content of the lab's schema now, in one read-only snapshot (`tld verify`).
    public func backupContent() throws(LabStoreError) -> BackupContent {
        try withSnapshot("read the database for its manifest") { _, session in
            try PostgresBackupContent.read(session, schema: labSchema)
        }
    }

    /// Runs `body` in one REPEATABLE READ, READ ONLY transaction with its snapshot exported
    /// (`pg_export_snapshot()`; the id is given to `body`), so that `pg_dump --snapshot=ID` dumps
    /// exactly what `body` reads (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION).
    func withSnapshot<T>(_ operation: String, _ body: (String, PostgresSession) throws -> T) throws(LabStoreError) -> T {
        try withSession(operation) { session in
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                try PostgresBackupContent.pinSettings(session)
                guard let snapshot = try session.query("SELECT pg_export_snapshot()").first?.decode(String.self) else {
                    throw LabStoreError.invalidRecord("pg_export_snapshot() returned nothing")
                }
                let result = try body(snapshot, session)
                try session.execute("COMMIT")
                return result
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }
}
