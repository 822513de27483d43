import Foundation
import GRDB
import PostgresNIO
import Testing
@testable import LabStore
@testable import LabStorePostgres
@testable import LabStoreSQLite

/// The PostgreSQL schema against SQLite's (issue 15): a freshly migrated SQLite lab and a freshly
/// migrated PostgreSQL lab have the same tables and columns, primary keys, unique and partial
/// indexes, foreign keys, and a PostgreSQL trigger for every SQLite refusal, with the same message;
/// and the same raw SQL, run on both, is accepted or refused alike, with the same message.
@Suite("PostgreSQL schema: parity with SQLite's", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresSchemaParityTests {
    let sqlite: SQLiteLabStore
    let postgres: PostgresLabStore
    let fixture: StoreFixture

    init() throws {
        sqlite = try SQLiteLabStore.inMemory(logger: StoreFixture.logger)
        fixture = try StoreBackend.postgres.makeFixture()
        postgres = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger)
    }

    // MARK: Reading both catalogues

    func sqliteRows(_ sql: String) throws -> [Row] {
        try sqlite.database.writer.read { db in try Row.fetchAll(db, sql: sql) }
    }

    func postgresStrings(_ sql: String, columns: Int) throws -> [[String?]] {
        try postgres.withSession("read the catalogue") { session in
            try session.query(sql).map { row in
                try (0..<columns).map { i in
                    try row.makeRandomAccess()[i].decode(String?.self)
                }
            }
        }
    }

    /// SQLite's tables of the lab (not GRDB's or SQLite's own), by name.
    func sqliteTables() throws -> [String] {
        try sqliteRows("""
            SELECT name FROM sqlite_master WHERE type = 'table'
            AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name
            """).map { $0["name"] }
    }

    /// SQLite's declared type → the PostgreSQL types that keep its values (PostgresLabRecordsMigration).
    static let compatibleTypes: [String: Set<String>] = [
        "INTEGER": ["bigint", "integer", "smallint", "boolean"],
        "TEXT": ["text", "date", "jsonb"],
        "DATETIME": ["timestamp with time zone"],
        "BLOB": ["bytea"],
        "REAL": ["double precision"],
        "DOUBLE": ["double precision"],
    ]

    @Test("every SQLite table is on PostgreSQL with the same columns, NOT NULL-ness, primary key and a type that keeps its values")
    func tablesAndColumns() throws {
        let tables = try sqliteTables()
        #expect(tables.count >= 40, "\(tables)")
        let pgColumns = try postgresStrings("""
            SELECT table_name::text, column_name::text, is_nullable::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'tld_schema_migrations'
            """, columns: 4)
        var pg: [String: [String: (nullable: Bool, type: String)]] = [:]
        for c in pgColumns {
            pg[c[0] ?? "", default: [:]][c[1] ?? ""] = (c[2] == "YES", c[3] ?? "")
        }
        #expect(Set(pg.keys) == Set(tables.map { $0.lowercased() }))
        let pgKeys = try postgresStrings("""
            SELECT t.relname::text, string_agg(a.attname::text, ',' ORDER BY k.n)
            FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
            CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE ix.indisprimary AND t.relnamespace = current_schema()::regnamespace GROUP BY t.relname
            """, columns: 2)
        let pgPrimary = Dictionary(uniqueKeysWithValues: pgKeys.map { ($0[0] ?? "", $0[1] ?? "") })
        for table in tables {
            let info = try sqliteRows("PRAGMA table_info(\(table))")
            let columns = pg[table.lowercased()] ?? [:]
            #expect(Set(columns.keys) == Set(info.map { ($0["name"] as String).lowercased() }), "\(table)")
            for column in info {
                let name: String = column["name"]
                let pk: Int = column["pk"]
                let notNull: Bool = column["notnull"]
                guard let pgColumn = columns[name.lowercased()] else { continue }
                // A primary key column is never NULL on PostgreSQL (nor in practice on SQLite).
                #expect(pgColumn.nullable == !(notNull || pk > 0), "\(table).\(name)")
                let declared = (column["type"] as String).uppercased()
                #expect(Self.compatibleTypes[declared]?.contains(pgColumn.type) == true,
                        "\(table).\(name): SQLite \(declared), PostgreSQL \(pgColumn.type)")
            }
            let key = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                .map { ($0["name"] as String).lowercased() }.joined(separator: ",")
            #expect(pgPrimary[table.lowercased()] == (key.isEmpty ? nil : key), "primary key of \(table)")
        }
    }

    @Test("every SQLite index and UNIQUE constraint is on PostgreSQL: same name (named ones), table, columns, uniqueness, partial-ness")
    func indexes() throws {
        let pgRows = try postgresStrings("""
            SELECT i.relname::text, t.relname::text, ix.indisunique::text, (ix.indpred IS NOT NULL)::text,
                   coalesce((SELECT string_agg(a.attname::text, ',' ORDER BY k.n)
                             FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), ''),
                   pg_get_indexdef(ix.indexrelid)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
            WHERE t.relnamespace = current_schema()::regnamespace AND NOT ix.indisprimary
            """, columns: 6)
        struct Index: Hashable { var table: String; var columns: String; var unique: Bool; var partial: Bool }
        let pgByName = Dictionary(uniqueKeysWithValues: pgRows.map {
            ($0[0] ?? "", Index(table: $0[1] ?? "", columns: $0[4] ?? "", unique: $0[2] == "true", partial: $0[3] == "true"))
        })
        let pgIndexes = Set(pgByName.values)
        var checked = 0
        for table in try sqliteTables() {
            for index in try sqliteRows("PRAGMA index_list(\(table))") {
                let name: String = index["name"]
                let origin: String = index["origin"]
                guard origin != "pk" else { continue }  // tablesAndColumns compares primary keys
                let columns = try sqliteRows("PRAGMA index_info(\(name))").map { ($0["name"] as String).lowercased() }
                let expected = Index(table: table.lowercased(), columns: columns.joined(separator: ","),
                                     unique: index["unique"], partial: index["partial"])
                checked += 1
                if table == "portalAccount" && columns == ["username"] {
                    // UNIQUE COLLATE NOCASE: a unique index on tld_nocase(userName) (PostgresPortalMigration).
                    let def = pgRows.first { $0[0] == "portalaccount_username" }?[5] ?? ""
                    #expect(pgByName["portalaccount_username"]?.unique == true && def.contains("tld_nocase(username)"), "\(def)")
                } else if origin == "c" {
                    #expect(pgByName[name.lowercased()] == expected, "index \(name)")
                } else {
                    #expect(pgIndexes.contains(expected), "UNIQUE \(expected) (SQLite \(name))")
                }
            }
        }
        #expect(checked >= 40)
    }

    @Test("every SQLite foreign key is on PostgreSQL with the same columns, referenced table and ON DELETE")
    func foreignKeys() throws {
        var sqliteKeys: Set<String> = []
        for table in try sqliteTables() {
            for key in try sqliteRows("PRAGMA foreign_key_list(\(table))") {
                let onDelete: String = key["on_delete"]
                sqliteKeys.insert("\(table.lowercased()).\((key["from"] as String).lowercased()) → "
                                  + "\((key["table"] as String).lowercased()).\((key["to"] as String).lowercased()) \(onDelete)")
            }
        }
        let pgKeys = Set(try postgresStrings("""
            SELECT c.conrelid::regclass::text || '.' || a.attname::text || ' → ' || c.confrelid::regclass::text || '.' || af.attname::text || ' '
                   || CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'a' THEN 'NO ACTION' WHEN 'c' THEN 'CASCADE' ELSE c.confdeltype::text END
            FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
            JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol
            WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
            """, columns: 1).map { $0[0] ?? "" })
        #expect(sqliteKeys.count >= 50)
        #expect(sqliteKeys == pgKeys)
    }

    @Test("every SQLite trigger is on PostgreSQL: each refusal on the same table with the same message, the others by name; the same card moves")
    func triggers() throws {
        let pgTriggers = try postgresStrings("""
            SELECT c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid) || ' ' || p.prosrc
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
            """, columns: 3)
        let raise = /RAISE\(ABORT, ('(?:[^']|'')*')\)/
        let triggers = try sqliteRows("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        #expect(triggers.count >= 60)
        for trigger in triggers {
            let (name, table, sql): (String, String, String) = (trigger["name"], trigger["tbl_name"], trigger["sql"])
            let onTable = pgTriggers.filter { $0[0] == table.lowercased() }
            if let message = sql.firstMatch(of: raise)?.1 {
                // The message as a SQL literal, as SQLite's trigger and PostgreSQL's definition both write it.
                #expect(onTable.contains { ($0[2] ?? "").contains(message) }, "\(name) on \(table): \(message)")
            } else {
                #expect(onTable.contains { $0[1] == name.lowercased() }, "\(name) on \(table)")
            }
        }
        let moves = try sqliteRows("SELECT fromState || '>' || toState AS m FROM cardTransition ORDER BY m").map { $0["m"] as String }
        let pgMoves = try postgresStrings("SELECT fromState || '>' || toState AS m FROM cardTransition ORDER BY m", columns: 1).map { $0[0] ?? "" }
        #expect(moves.count >= 12)
        #expect(moves == pgMoves)
    }

    // MARK: The same raw SQL on both

    enum Outcome: Equatable, CustomStringConvertible {
        case ok
        /// A trigger refused it, with this message.
        case refused(String)
        /// A CHECK, UNIQUE, NOT NULL or foreign key refused it.
        case constraint
        case value(String)
        case failed(String)

        var description: String {
            switch self {
            case .ok: "ok"
            case let .refused(m): "refused: \(m)"
            case .constraint: "constraint"
            case let .value(v): "value \(v)"
            case let .failed(m): "FAILED: \(m)"
            }
        }

        init(_ error: any Error) {
            switch error {
            case let LabStoreError.immutableRow(message): self = .refused(message)
            case LabStoreError.constraintViolation: self = .constraint
            default: self = .failed("\(error)")
            }
        }
    }

    enum Dialect { case sqlite, postgres }

    /// `{t}`/`{f}` booleans, `{x:HEX}` a blob, `{addYears:DAY:N}` SQLite's `date(DAY, '+N years')`,
    /// in each dialect.
    static func render(_ sql: String, _ dialect: Dialect) -> String {
        var out = sql.replacingOccurrences(of: "{t}", with: dialect == .sqlite ? "1" : "true")
            .replacingOccurrences(of: "{f}", with: dialect == .sqlite ? "0" : "false")
        while let match = out.firstMatch(of: /\{addYears:([0-9-]+):([0-9]+)\}/) {
            let (day, years) = (String(match.1), String(match.2))
            out.replaceSubrange(match.range, with: dialect == .sqlite ? "date('\(day)', '+\(years) years')"
                                                                      : "tld_sqliteAddYears('\(day)', \(years))::text")
        }
        while let match = out.firstMatch(of: /\{x:([0-9A-F]+)\}/) {
            let hex = String(match.1)
            out.replaceSubrange(match.range, with: dialect == .sqlite ? "X'\(hex)'" : "'\\x\(hex)'::bytea")
        }
        return out
    }

    func runSQLite(_ sql: String, query: Bool) -> Outcome {
        do {
            if query { return .value(try sqlite.database.writer.read { db in try String.fetchOne(db, sql: sql) } ?? "NULL") }
            try sqlite.database.writer.write { db in try db.execute(sql: sql) }
            return .ok
        } catch {
            return Outcome(LabStoreError.wrapping(error, operation: "test"))
        }
    }

    func runPostgres(_ sql: String, query: Bool) -> Outcome {
        do {
            return try postgres.withSession("test") { session in
                if query { return .value(try session.query(sql).first?.decode(String?.self) ?? "NULL") }
                try session.execute(sql)
                return .ok
            }
        } catch {
            return Outcome(error)
        }
    }

    static let lookup = "{x:\(String(repeating: "AB", count: 32))}"
    static let sealed = "{x:\(String(repeating: "CD", count: 38))}"

    /// A card's whole cycle and the lab's other interlocks, step by step, with what each step must do.
    static let steps: [(sql: String, expect: Outcome)] = [
        ("""
         INSERT INTO readoutBatch (id, groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
             timeTemperatureProfile, source, state, finishedAt)
         VALUES (1, 'G1', '2026-10-21 08:00:00.000', 'm', 's', 'f', 4, '{}', 'reader:A', 'complete', '2026-10-21 09:00:00.000')
         """, .ok),
        ("INSERT INTO customer (id, name, deliveryAddress, contactEmail) VALUES ('K-1', 'Clinic', 'Street 1', 'x@example.dk')", .ok),
        ("INSERT INTO customer (id, name, deliveryAddress, contactEmail) VALUES ('K-2', '  ', 'Street 2', 'y@example.dk')", .constraint),
        ("INSERT INTO customer (id, name, deliveryAddress, contactEmail, invoiceChannel) VALUES ('K-3', 'Lab', 'S', 'z@example.dk', 'fax')", .constraint),
        ("INSERT INTO wearer (id, customerID, name, nationalIDSealed, nationalIDLookup, birthDate) VALUES (1, 'K-1', 'Ann', \(sealed), \(lookup), '1950-01-01')", .ok),
        ("INSERT INTO wearer (id, customerID, name, nationalIDSealed, nationalIDLookup) VALUES (2, 'K-1', 'Bo', \(sealed), {x:ABAB})", .constraint),
        ("INSERT INTO wearer (id, customerID, name, nationalIDSealed, nationalIDLookup) VALUES (3, 'K-1', 'Ann again', \(sealed), \(lookup))", .constraint),
        ("""
         INSERT INTO enrolment (id, number, wearerID, customerID, dosimeterType, periodLength, startDate, orderedOn)
         VALUES (1, 'TILM-00000001', 1, 'K-1', 'wholeBody', 'threeMonths', '2026-07-15', '2026-07-01')
         """, .ok),
        ("""
         INSERT INTO enrolment (id, number, wearerID, customerID, dosimeterType, periodLength, startDate, orderedOn)
         VALUES (2, 'TILM-1', 1, 'K-1', 'wholeBody', 'threeMonths', '2026-07-15', '2026-07-01')
         """, .constraint),
        ("""
         INSERT INTO enrolment (id, number, wearerID, customerID, dosimeterType, periodLength, startDate, orderedOn)
         VALUES (3, 'TILM-00000003', 1, 'K-1', 'finger', 'threeMonths', '2026-07-15', '2026-07-01')
         """, .constraint),
        ("INSERT INTO card (id, dosimeterType, elementCount, state, stateChangedAt) VALUES ('C-1', 'wholeBody', 4, 'available', '2026-07-01 00:00:00.000')", .ok),
        ("INSERT INTO cardElement (cardID, element, zeroedAt) VALUES ('C-1', 1, '2026-07-01 00:00:00.000')", .ok),
        ("INSERT INTO cardElement (cardID, element) VALUES ('C-1', 5)", .constraint),
        ("INSERT INTO shipment (id, customerID, dispatchedOn, createdAt) VALUES (1, 'K-1', '2026-07-08', '2026-07-08 10:00:00.000')", .ok),
        ("""
         INSERT INTO cardIssue (id, cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt, shipmentID)
         VALUES (1, 'C-1', 1, 'K-1', '2026-07-15', '2026-10-14', '2026-07-08 10:00:00.000', 1)
         """, .ok),
        ("UPDATE card SET state = 'issued', stateChangedAt = '2026-07-08 10:00:00.000', currentIssueID = 1 WHERE id = 'C-1'", .ok),
        ("UPDATE card SET state = 'read' WHERE id = 'C-1'", .refused("card state move not allowed")),
        ("INSERT INTO customerReturn (id, customerID, arrivedOn, openedAt) VALUES (1, 'K-1', '2026-10-20', '2026-10-20 08:00:00.000')", .ok),
        ("UPDATE cardIssue SET returnID = 1 WHERE id = 1", .constraint),
        ("UPDATE cardIssue SET returnID = 1, arrivedOn = '2026-10-20' WHERE id = 1", .ok),
        ("INSERT INTO returnScan (id, returnID, scannedCode, outcome, message, scannedAt) VALUES (1, 1, 'C-1', 'accepted', 'ok', '2026-10-20 08:01:00.000')", .ok),
        ("UPDATE returnScan SET outcome = 'x'", .refused("returnScan rows are append-only")),
        ("UPDATE card SET state = 'returned', stateChangedAt = '2026-10-20 08:01:00.000' WHERE id = 'C-1'", .ok),
        ("""
         INSERT INTO cardInspection (id, cardID, issueID, stage, outcome, damages, remark, inspectedBy, inspectedAt)
         VALUES (1, 'C-1', 1, 'arrival', 'fit', '[]', '', 'tech', '2026-10-20 09:00:00.000')
         """, .ok),
        ("""
         INSERT INTO cardInspection (id, cardID, issueID, stage, outcome, damages, remark, inspectedBy, inspectedAt)
         VALUES (2, 'C-1', 1, 'arrival', 'manualQA', '[]', ' ', 'tech', '2026-10-20 09:00:00.000')
         """, .constraint),
        ("UPDATE cardInspection SET remark = 'x'", .refused("cardInspection rows are append-only")),
        ("UPDATE card SET state = 'inspected', stateChangedAt = '2026-10-20 09:00:00.000' WHERE id = 'C-1'", .ok),
        ("UPDATE card SET state = 'read', stateChangedAt = '2026-10-21 09:00:00.000', lastBatchID = 1 WHERE id = 'C-1'", .ok),
        ("UPDATE cardIssue SET batchID = 1 WHERE id = 1", .ok),
        ("""
         INSERT INTO doseResult (id, batchID, cardID, version, hp10MilliSievert, hp007MilliSievert, detectionLimitMilliSievert,
             flags, remarks, algorithmID, evaluatedAt, state)
         VALUES (1, 1, 'C-1', 1, 0.4, 0.4, 0.05, '[]', '', 'alg-1', '2026-10-21 10:00:00.000', 'needsReview')
         """, .ok),
        ("""
         INSERT INTO doseAudit (id, doseID, cardID, version, action, state, who, why, at)
         VALUES (1, 1, 'C-1', 1, 'evaluated', 'needsReview', 'tld', 'evaluated', '2026-10-21 10:00:00.000')
         """, .ok),
        // The dose is not released: no release, anneal, zeroing or reissue of the card.
        ("UPDATE card SET state = 'zeroed' WHERE id = 'C-1'", .refused("card cannot be zeroed before its dose is released")),
        ("UPDATE card SET state = 'released' WHERE id = 'C-1'", .refused("card has no released dose")),
        ("UPDATE card SET state = 'annealed' WHERE id = 'C-1'", .refused("card has no passed anneal check since its readout")),
        ("UPDATE card SET state = 'available' WHERE id = 'C-1'", .refused("card has not passed inspection since zeroing")),
        ("UPDATE cardElement SET zeroedAt = '2030-01-01 00:00:00.000' WHERE cardID = 'C-1'", .refused("elements are zeroed only on a zeroed card")),
        ("""
         INSERT INTO cardIssue (id, cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt)
         VALUES (2, 'C-1', 1, 'K-1', '2026-10-15', '2027-01-14', '2026-10-25 00:00:00.000')
         """, .refused("only an available (zeroed, inspected) card can be issued")),
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt)
         VALUES (1, 1, 'notional', 'unreadable', 0.1, 'phys', 'no reading', '2026-10-22 00:00:00.000')
         """, .refused("the dosimeter of this period has a measured dose: nothing to assign")),
        ("DELETE FROM doseAudit", .refused("doseAudit rows are never deleted")),
        ("UPDATE doseAudit SET who = 'x'", .refused("doseAudit rows are append-only")),
        ("UPDATE doseResult SET hp10MilliSievert = 9 WHERE id = 1", .refused("dose values are immutable: add a new version")),
        ("UPDATE doseResult SET state = 'released' WHERE id = 1", .ok),
        ("UPDATE doseResult SET state = 'needsReview' WHERE id = 1", .refused("a released dose is immutable")),
        ("DELETE FROM doseResult WHERE id = 1", .refused("a released dose is never deleted")),
        ("UPDATE card SET state = 'released', stateChangedAt = '2026-10-22 09:00:00.000' WHERE id = 'C-1'", .ok),
        ("UPDATE card SET state = 'zeroed' WHERE id = 'C-1'", .refused("card state move not allowed")),
        ("UPDATE card SET state = 'annealed' WHERE id = 'C-1'", .refused("card has no passed anneal check since its readout")),
        ("INSERT INTO annealRecord (id, method, profile, startedAt, endedAt) VALUES (1, 'oven', '400 C 1 h', '2026-10-23 08:00:00.000', '2026-10-23 09:00:00.000')", .ok),
        ("""
         INSERT INTO annealCheck (id, annealID, cardID, residualHp10MilliSievert, backgroundLevelMilliSievert, passed, checkedAt)
         VALUES (1, 1, 'C-1', 0.2, 0.05, {t}, '2026-10-23 09:10:00.000')
         """, .constraint),
        ("""
         INSERT INTO annealCheck (id, annealID, cardID, residualHp10MilliSievert, backgroundLevelMilliSievert, passed, checkedAt)
         VALUES (1, 1, 'C-1', 0.01, 0.05, {t}, '2026-10-23 09:10:00.000')
         """, .ok),
        ("DELETE FROM annealRecord", .refused("annealRecord rows are never deleted")),
        ("UPDATE annealCheck SET passed = {f}", .refused("annealCheck rows are append-only")),
        ("UPDATE card SET state = 'annealed', stateChangedAt = '2026-10-23 09:10:00.000' WHERE id = 'C-1'", .ok),
        ("UPDATE card SET state = 'zeroed', stateChangedAt = '2026-10-24 08:00:00.000' WHERE id = 'C-1'", .ok),
        ("UPDATE cardElement SET zeroedAt = '2026-10-24 08:00:00.000' WHERE cardID = 'C-1'", .ok),
        ("UPDATE card SET state = 'available' WHERE id = 'C-1'", .refused("card has not passed inspection since zeroing")),
        ("""
         INSERT INTO cardInspection (id, cardID, issueID, stage, outcome, damages, remark, inspectedBy, inspectedAt)
         VALUES (3, 'C-1', NULL, 'beforeReissue', 'fit', '[]', '', 'tech', '2026-10-24 09:00:00.000')
         """, .ok),
        ("UPDATE card SET state = 'available', stateChangedAt = '2026-10-24 09:00:00.000', currentIssueID = NULL WHERE id = 'C-1'", .ok),
        ("""
         INSERT INTO cardIssue (id, cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt)
         VALUES (2, 'C-1', 1, 'K-1', '2026-10-15', '2027-01-14', '2026-10-25 00:00:00.000')
         """, .ok),
        ("DELETE FROM cardIssue WHERE id = 2", .refused("issues are never deleted")),
        ("""
         INSERT INTO cardIssue (id, cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt)
         VALUES (3, 'C-1', 1, 'K-1', '2027-01-15', '2027-04-14', '2026-10-25 00:00:00.000')
         """, .constraint),
        ("INSERT INTO cardRetirement (id, cardID, fromState, why, retiredAt) VALUES (1, 'C-1', 'available', 'cracked', '2026-10-26 00:00:00.000')", .ok),
        ("DELETE FROM cardRetirement", .refused("cardRetirement rows are never deleted")),
        // Assigned doses: one current per period, a correction replaces one of the same period.
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt)
         VALUES (1, 2, 'notional', 'notReturned', 0.1, 'phys', 'not back', '2027-05-01 00:00:00.000')
         """, .ok),
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt)
         VALUES (2, 2, 'notional', 'lost', 0.1, 'phys', 'lost', '2027-05-01 00:00:00.000')
         """, .refused("this period already has an assigned dose: correct it (it is replaced, not added to)")),
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt, replacesID)
         VALUES (3, 1, 'notional', 'unreadable', 0.1, 'phys', 'x', '2027-05-01 00:00:00.000', 1)
         """, .refused("a correction replaces an assigned dose of the same period")),
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt, replacesID)
         VALUES (4, 2, 'notional', 'notReturned', 0.2, 'phys', 'corrected', '2027-05-02 00:00:00.000', 1)
         """, .ok),
        ("""
         INSERT INTO assignedDose (id, issueID, method, reason, hp10MilliSievert, who, why, assignedAt, replacesID)
         VALUES (5, 2, 'colleague', 'notReturned', 0.2, 'phys', 'from colleagues', '2027-05-03 00:00:00.000', 4)
         """, .constraint),
        ("UPDATE assignedDose SET why = 'x'", .refused("assigned doses are append-only: a correction is a new row that replaces the old")),
        // Retention: born 1950 (75 reached), but the last period ends 2027: kept 30 years more.
        ("DELETE FROM wearer WHERE id = 1", .refused(PostgresDoseRecordsMigration.retentionMessage)),
        ("DELETE FROM enrolment WHERE id = 1", .refused(PostgresDoseRecordsMigration.retentionMessage)),
        // Cases: closed only with a complete investigation and a sent notification; then frozen.
        ("""
         INSERT INTO levelCase (id, personLookup, kind, periodKey, customerID, wearerID, doseID, valueMilliSievert, levelMilliSievert,
             openedOn, openedAt, deadline)
         VALUES (1, \(lookup), 'investigation-quarter', '2026-Q3', 'K-1', 1, 1, 0.6, 0.5, '2026-10-22', '2026-10-22 10:00:00.000', '2026-11-22')
         """, .ok),
        ("INSERT INTO authorityNotification (id, caseID, reportNumber, raisedOn, raisedAt) VALUES (1, 1, 'N-1', '2026-10-22', '2026-10-22 10:00:00.000')", .ok),
        ("UPDATE levelCase SET closedAt = '2026-10-30 00:00:00.000', closedBy = 'rpe' WHERE id = 1",
         .refused("a case closes only once its authority notification is marked sent")),
        ("UPDATE authorityNotification SET sentAt = '2026-10-23 00:00:00.000', sentBy = 'rpe' WHERE id = 1", .constraint),
        ("UPDATE authorityNotification SET sentAt = '2026-10-23 00:00:00.000', sentBy = 'rpe', sentHow = 'post' WHERE id = 1", .ok),
        ("UPDATE authorityNotification SET sentBy = 'x'", .refused("a notification marked sent never changes")),
        ("UPDATE levelCase SET closedAt = '2026-10-30 00:00:00.000', closedBy = 'rpe' WHERE id = 1",
         .refused("a case closes only with a complete investigation record")),
        ("""
         INSERT INTO caseInvestigation (caseID, personalDose, apronWorn, refinedEffectiveMilliSievert, refinedMethod, causes, actions,
             workerInformedBy, workerInformedOn, recordedBy, recordedAt)
         VALUES (1, {t}, {f}, 0.3, 'apron factor', 'long procedures', 'rota', 'rpe', '2026-10-25', 'rpe', '2026-10-25 00:00:00.000')
         """, .ok),
        ("UPDATE levelCase SET closedAt = '2026-10-30 00:00:00.000', closedBy = 'rpe' WHERE id = 1", .ok),
        ("UPDATE levelCase SET deadline = '2026-12-01'", .refused("a closed case never changes")),
        ("UPDATE caseInvestigation SET causes = 'x'", .refused("the investigation of a closed case never changes")),
        ("DELETE FROM levelCase", .refused("a case is never deleted")),
        ("DELETE FROM authorityNotification", .refused("a notification is never deleted")),
        // Customer data, levels, charges, the key check value, the readout batch's evaluation state.
        ("INSERT INTO customerLevels (customerID, validFrom, reviewMilliSievert, reportMilliSievert, setAt) VALUES ('K-1', '2026-01-01', 1, 0.1, '2026-01-01 00:00:00.000')", .ok),
        ("UPDATE customerLevels SET reviewMilliSievert = 2", .refused("customer levels are history: add a row with a new validFrom")),
        ("""
         INSERT INTO charge (id, customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, recordedAt)
         VALUES (1, 'K-1', 'cardSent', 1, 'C-1', 'wholeBody', '2026-07-08', '2026-07-08', 0, 'DKK', {t}, '2026-07-08 10:00:00.000')
         """, .ok),
        ("""
         INSERT INTO charge (id, customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, recordedAt)
         VALUES (2, 'K-1', 'damaged', 1, 'C-1', 'wholeBody', '2026-07-08', '2026-07-08', 100, 'DKK', {t}, '2026-07-08 10:00:00.000')
         """, .constraint),
        ("""
         INSERT INTO charge (id, customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, recordedAt)
         VALUES (3, 'K-1', 'cardSent', 1, 'C-1', 'wholeBody', '2026-07-08', '2026-07-08', 100, 'DKK', '2026-07-08 10:00:00.000')
         """, .constraint),
        ("UPDATE charge SET note = 'x'", .refused("charge rows are append-only: a charge once due stays")),
        ("DELETE FROM charge", .refused("charge rows are never deleted")),
        ("INSERT INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (1, \(lookup), '2026-01-01 00:00:00.000')", .ok),
        ("INSERT INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (2, \(lookup), '2026-01-01 00:00:00.000')", .constraint),
        ("DELETE FROM nationalIDKeyCheck", .refused("the national-ID key check value is never deleted")),
        ("UPDATE readoutBatch SET evaluation = 'notForDoses' WHERE id = 1", .ok),
        ("UPDATE readoutBatch SET evaluation = 'pending' WHERE id = 1", .refused("a batch not for doses stays so")),
        // The portal: accounts (user names unique whatever their case), submissions and agreement forms.
        ("INSERT INTO portalAccount (id, userName, passwordHash, role, customerID, createdAt) VALUES (1, 'Anna', '$2b$12$abc', 'customer', 'K-1', '2026-10-01 00:00:00.000')", .ok),
        ("INSERT INTO portalAccount (id, userName, passwordHash, role, createdAt) VALUES (2, 'ANNA', '$2b$12$abc', 'lab', '2026-10-01 00:00:00.000')", .constraint),
        ("INSERT INTO portalAccount (id, userName, passwordHash, role, customerID, createdAt) VALUES (3, 'lab1', '$2b$12$abc', 'lab', 'K-1', '2026-10-01 00:00:00.000')", .constraint),
        ("INSERT INTO portalAccount (id, userName, passwordHash, role, createdAt) VALUES (4, 'lab2', 'plain', 'lab', '2026-10-01 00:00:00.000')", .constraint),
        ("""
         INSERT INTO portalAccount (id, userName, passwordHash, role, customerID, wearerID, createdAt)
         VALUES (5, 'w', '$2b$12$abc', 'wearer', 'K-1', 99, '2026-10-01 00:00:00.000')
         """, .refused("a wearer account belongs to a wearer of its customer")),
        ("UPDATE portalAccount SET role = 'lab', customerID = NULL WHERE id = 1", .refused("an account keeps its role, customer and wearer")),
        ("UPDATE portalAccount SET disabled = {t} WHERE id = 1", .ok),
        ("""
         INSERT INTO portalSubmission (id, customerID, kind, state, fields, resumeToken, createdBy, createdAt, updatedAt)
         VALUES (1, 'K-1', 'enrol', 'draft', '{"name":"Bo"}', 'tok-1', 1, '2026-10-01 00:00:00.000', '2026-10-01 00:00:00.000')
         """, .ok),
        ("UPDATE portalSubmission SET state = 'accepted', decidedAt = '2026-10-02 00:00:00.000' WHERE id = 1",
         .refused("a portal submission moves draft, sent, then accepted or rejected, once")),
        ("UPDATE portalSubmission SET state = 'sent', sentAt = '2026-10-01 01:00:00.000' WHERE id = 1", .ok),
        ("UPDATE portalSubmission SET state = 'accepted', decidedAt = '2026-10-02 00:00:00.000', decidedBy = 1 WHERE id = 1", .ok),
        ("UPDATE portalSubmission SET state = 'rejected', reason = 'no' WHERE id = 1", .refused("a decided portal submission is never changed")),
        ("DELETE FROM portalSubmission", .refused("a sent portal submission is never deleted")),
        ("INSERT INTO portalAudit (id, at, accountID, userName, action) VALUES (1, '2026-10-01 00:00:00.000', 1, 'Anna', 'signIn')", .ok),
        ("DELETE FROM portalAudit", .refused("the portal audit trail is never deleted")),
        ("UPDATE portalAudit SET detail = 'x'", .refused("the portal audit trail is never changed")),
        ("""
         INSERT INTO portalAgreement (id, state, fields, resumeToken, createdAt, updatedAt)
         VALUES (1, 'draft', '{}', 'tok-a', '2026-10-01 00:00:00.000', '2026-10-01 00:00:00.000')
         """, .ok),
        ("UPDATE portalAgreement SET state = 'rejected', decidedAt = '2026-10-02 00:00:00.000', reason = 'no' WHERE id = 1",
         .refused("an agreement form moves draft, sent, then accepted or rejected, once")),
        ("UPDATE portalAgreement SET state = 'sent', sentAt = '2026-10-01 01:00:00.000' WHERE id = 1", .ok),
        ("UPDATE portalAgreement SET state = 'accepted', decidedAt = '2026-10-02 00:00:00.000' WHERE id = 1", .constraint),
        ("DELETE FROM portalAgreement", .refused("a sent agreement form is never deleted")),
        ("INSERT INTO portalSession (keyHash, value, updatedAt) VALUES ({x:0102}, {x:7B7D}, '2026-10-01 00:00:00.000')", .constraint),
        ("INSERT INTO portalSession (keyHash, value, updatedAt) VALUES (\(lookup), {x:7B7D}, '2026-10-01 00:00:00.000')", .ok),
        ("DELETE FROM portalSession", .ok),
        // Prices, evaluation records, levels, the registry log, annual reviews, the outbox, the readout tables.
        ("INSERT INTO cardPrice (dosimeterType, validFrom, priceMinorUnits, currency) VALUES ('wholeBody', '2026-01-01', 12000, 'DKK')", .ok),
        ("INSERT INTO cardPrice (dosimeterType, validFrom, priceMinorUnits, currency) VALUES ('wholeBody', '2026-01-01', 13000, 'DKK')", .constraint),
        ("INSERT INTO cardPrice (dosimeterType, validFrom, priceMinorUnits, currency) VALUES ('ring', '2026-01-01', 1, 'DKK')", .constraint),
        ("INSERT INTO compensationPrice (dosimeterType, validFrom, amountMinorUnits, currency) VALUES ('finger', '2026-01-01', -1, 'DKK')", .constraint),
        ("INSERT INTO cardNotEvaluated (batchID, cardID, reason, detail, recordedAt) VALUES (1, 'C-2', 'no-calibration', '', '2026-11-01 00:00:00.000')", .ok),
        ("INSERT INTO cardNotEvaluated (batchID, cardID, reason, detail, recordedAt) VALUES (1, 'C-3', 'tired', '', '2026-11-01 00:00:00.000')", .constraint),
        ("INSERT INTO doseReviewReason (doseID, reason, detail) VALUES (1, 'above-review-level', '0.4 mSv')", .ok),
        ("UPDATE doseReviewReason SET detail = 'x'", .refused("doseReviewReason rows are append-only")),
        ("DELETE FROM doseReviewReason", .refused("doseReviewReason rows are never deleted")),
        ("INSERT INTO customerLevels (customerID, validFrom, reviewMilliSievert, reportMilliSievert, setAt) VALUES ('K-1', '2027-01-01', 20000, 0.1, '2026-11-01 00:00:00.000')", .constraint),
        ("INSERT INTO doseLevelCheck (doseID, checkedAt) VALUES (1, '2026-11-01 00:00:00.000')", .ok),
        ("INSERT INTO doseLevelCheck (doseID, checkedAt) VALUES (99, '2026-11-01 00:00:00.000')", .constraint),
        ("INSERT INTO registryExport (id, createdAt, fromDay, toDay, fileName, recordCount, sha256) VALUES (1, '2026-11-01 00:00:00.000', '2026-01-01', '2026-12-31', 'r.xml', 2, 'ab')", .ok),
        ("INSERT INTO registryExport (id, createdAt, fromDay, toDay, fileName, recordCount, sha256) VALUES (2, '2026-11-01 00:00:00.000', '2026-12-31', '2026-01-01', 'r.xml', 0, 'ab')", .constraint),
        ("""
         INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, status, hp10MilliSievert, content)
         VALUES (1, 1, 1, \(lookup), 'original', 'measured', 0.4, '<r/>')
         """, .ok),
        ("""
         INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, status, hp10MilliSievert, content, correctsID)
         VALUES (2, 1, 1, \(lookup), 'original', 'measured', 0.4, '<r/>', 1)
         """, .constraint),
        ("""
         INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, status, hp10MilliSievert, content, correctsID)
         VALUES (3, 1, 1, \(lookup), 'correction', 'measured', 0.5, '<r/>', 1)
         """, .ok),
        ("""
         INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, status, hp10MilliSievert, content, correctsID)
         VALUES (4, 1, 1, \(lookup), 'correction', 'measured', 0.6, '<r/>', 1)
         """, .constraint),
        ("UPDATE registryRecord SET content = 'x'", .refused("a registry record sent is never changed: send a correction")),
        ("DELETE FROM registryRecord", .refused("registry records sent are never deleted")),
        ("UPDATE registryExport SET fileName = 'x'", .refused("the registry export log is append-only")),
        ("DELETE FROM registryExport", .refused("the registry export log is never deleted")),
        ("INSERT INTO annualReview (customerID, year, writtenAt, writtenBy) VALUES ('K-1', 2026, '2026-11-01 00:00:00.000', 'rpe')", .ok),
        ("INSERT INTO annualReview (customerID, year, writtenAt, writtenBy) VALUES ('K-1', 2026, '2026-11-01 00:00:00.000', 'rpe')", .constraint),
        ("INSERT INTO portalOutbox (id, at, recipient, subject, body, submissionID) VALUES (1, '2026-11-01 00:00:00.000', 'a@example.dk', 's', 'b', 1)", .ok),
        ("INSERT INTO portalOutbox (id, at, recipient, subject, body, submissionID) VALUES (2, '2026-11-01 00:00:00.000', 'a@example.dk', 's', 'b', 99)", .constraint),
        ("INSERT INTO elementReading (batchID, cardID, element, status, readAt) VALUES (1, 'C-1', 1, 'absent', '2026-11-01 00:00:00.000')", .ok),
        ("INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt) VALUES (1, 'C-1', 2, 'lost', '  ', '2026-11-01 00:00:00.000')", .constraint),
        ("UPDATE elementReading SET element = 2", .refused("element readings are immutable")),
        ("DELETE FROM elementReading", .refused("element readings are never deleted")),
        ("INSERT INTO batchCard (batchID, cardID, role, issueID) VALUES (1, 'C-1', 'worker', 1)", .ok),
        ("INSERT INTO batchCard (batchID, cardID, role, issueID) VALUES (1, 'C-9', 'worker', 99)", .constraint),
        ("INSERT INTO batchCard (batchID, cardID, role) VALUES (1, 'C-8', 'calibration')", .constraint),
        ("UPDATE batchCard SET role = 'control'", .refused("batch manifest rows are immutable")),
        ("""
         INSERT INTO calibrationRecord (kind, subject, value, unit, validFrom, source, createdAt)
         VALUES ('readerFactor', 'TL00042/deep', 52000, 'counts/mSv', '2026-11-01 00:00:00.000', 'certificate', '2026-11-01 00:00:00.000')
         """, .ok),
        ("UPDATE calibrationRecord SET value = 1", .refused("calibration records are immutable: add a new one")),
        ("DELETE FROM calibrationRecord", .refused("calibration records are never deleted")),
        ("""
         INSERT INTO readoutBatch (id, groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
             timeTemperatureProfile, source, state)
         VALUES (2, 'G2', '2026-11-01 00:00:00.000', 'm', 's', 'f', 4, '{}', 'reader:B', 'open')
         """, .ok),
        ("""
         INSERT INTO readoutBatch (id, groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
             timeTemperatureProfile, source, state)
         VALUES (3, 'G3', '2026-11-01 00:00:00.000', 'm', 's', 'f', 4, '{}', 'reader:B', 'open')
         """, .constraint),
        // Every insert into wearer and enrolment bumped the customer's overview counter (2 of them succeeded).
        ("SELECT CAST(version AS TEXT) FROM portalOverviewVersion WHERE customerID = 'K-1'", .value("2")),
        ("UPDATE enrolment SET endDate = '2027-12-31' WHERE id = 1", .ok),
        ("SELECT CAST(version AS TEXT) FROM portalOverviewVersion WHERE customerID = 'K-1'", .value("4")),
        ("SELECT state FROM card WHERE id = 'C-1'", .value("available")),
        // Retention: someone born 1900 with no monitored period may go (the overview counter moves on
        // each insert and delete); someone without a birth date is kept.
        ("INSERT INTO wearer (id, customerID, name, nationalIDSealed, nationalIDLookup, birthDate) VALUES (4, 'K-1', 'Old', \(sealed), {x:\(String(repeating: "EF", count: 32))}, '1900-01-01')", .ok),
        ("DELETE FROM wearer WHERE id = 4", .ok),
        ("INSERT INTO wearer (id, customerID, name, nationalIDSealed, nationalIDLookup) VALUES (5, 'K-1', 'Undated', \(sealed), {x:\(String(repeating: "EE", count: 32))})", .ok),
        ("DELETE FROM wearer WHERE id = 5", .refused(PostgresDoseRecordsMigration.retentionMessage)),
        ("SELECT CAST(version AS TEXT) FROM portalOverviewVersion WHERE customerID = 'K-1'", .value("7")),
        // Years added as SQLite's date(d, '+N years') adds them.
        ("SELECT {addYears:2000-02-29:75}", .value("2075-03-01")),
        ("SELECT {addYears:1996-02-29:4}", .value("2000-02-29")),
        ("SELECT {addYears:2001-01-31:30}", .value("2031-01-31")),
    ]

    @Test("the same raw SQL on SQLite and PostgreSQL: a card's cycle and the lab's other interlocks, accepted or refused alike, with the same messages")
    func sameSQLSameOutcome() throws {
        for (i, step) in Self.steps.enumerated() {
            let isQuery = step.sql.hasPrefix("SELECT")
            let onSQLite = runSQLite(Self.render(step.sql, .sqlite), query: isQuery)
            let onPostgres = runPostgres(Self.render(step.sql, .postgres), query: isQuery)
            #expect(onSQLite == step.expect, "step \(i) on SQLite: \(step.sql)")
            #expect(onPostgres == step.expect, "step \(i) on PostgreSQL: \(step.sql)")
        }
    }

    @Test("TRUNCATE, which PostgreSQL has and skips row triggers, is refused wherever a DELETE would be")
    func truncate() throws {
        for step in Self.steps where !step.sql.hasPrefix("SELECT") {
            _ = runPostgres(Self.render(step.sql, .postgres), query: false)
        }
        for table in ["doseAudit", "returnScan", "cardInspection", "annealCheck", "annealRecord", "cardRetirement", "charge",
                      "doseReviewReason", "customerLevels", "assignedDose", "registryExport", "registryRecord", "levelCase",
                      "authorityNotification", "portalAudit", "nationalIDKeyCheck", "cardIssue", "wearer", "enrolment",
                      "portalSubmission", "portalAgreement"] {
            guard case .refused = runPostgres("TRUNCATE \(table) CASCADE", query: false) else {
                Issue.record("TRUNCATE \(table) was not refused")
                continue
            }
        }
        // Where no row is protected, TRUNCATE goes through as a DELETE would (here: only draft agreement forms).
        let other = try StoreBackend.postgres.makeFixture()
        let fresh = try PostgresLabStore.open(url: try #require(other.postgresURL), logger: StoreFixture.logger)
        try fresh.withSession("test") { session in
            try session.execute("""
                INSERT INTO portalAgreement (state, fields, resumeToken, createdAt, updatedAt)
                VALUES ('draft', '{}', 'tok', now(), now())
                """)
            try session.execute("TRUNCATE portalAgreement")
            #expect(try session.query("SELECT count(*) FROM portalAgreement").first?.decode(Int64.self) == 0)
        }
    }
}
