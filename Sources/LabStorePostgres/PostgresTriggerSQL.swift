/// SQLite's refusal triggers (`CREATE TRIGGER … WHEN cond BEGIN SELECT RAISE(ABORT, 'msg'); END`) as
/// PostgreSQL statements, translated the same way everywhere so the migrations read like SQLite's.
///
/// - A refusal is `RAISE EXCEPTION` with SQLite's message, word for word (SQLSTATE P0001, which
///   ``PostgresErrorMapping`` maps to ``LabStoreError/immutableRow(message:)`` as the SQLite backend
///   maps SQLITE_CONSTRAINT_TRIGGER).
/// - A PostgreSQL trigger's `WHEN` cannot hold a subquery, so a conditional refusal is a PL/pgSQL
///   function named like the trigger: `IF coalesce(cond, false)` keeps SQLite's rule that a `WHEN`
///   that is NULL does not fire. A BEFORE row trigger that lets the change through returns NEW (OLD
///   for a DELETE): returning NULL would drop the change silently.
/// - Order: PostgreSQL fires the triggers of one event "in alphabetical order by name"
///   (https://www.postgresql.org/docs/current/sql-createtrigger.html, Notes); SQLite fires the last
///   created first (not documented; measured with sqlite3 3.40: three BEFORE UPDATE triggers created
///   b, a, c fire c first). Where rules on one event can overlap, a migration checks them in one
///   function in SQLite's order, so both refuse with the same message.
/// - PostgreSQL's TRUNCATE skips row triggers (SQLite has none): ``noTruncate(_:table:when:message:)``
///   refuses it where a DELETE of some row would be refused.
enum PostgresTriggerSQL {
    /// `message` as a SQL string literal.
    static func literal(_ message: String) -> String {
        "'" + message.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A row trigger that always refuses (`BEFORE UPDATE` / `BEFORE DELETE` without WHEN), through
    /// the readout migration's `tld_refuse(message)`.
    static func refuse(_ name: String, _ event: String, on table: String, message: String) -> String {
        """
        CREATE TRIGGER \(name) \(event) ON \(table)
        FOR EACH ROW EXECUTE FUNCTION tld_refuse(\(literal(message)))
        """
    }

    /// A BEFORE row trigger that refuses the change when `condition` (SQL over NEW/OLD, subqueries
    /// allowed) is true: a function and its trigger, both named `name`.
    static func refuseWhen(_ name: String, _ event: String, on table: String, when condition: String, message: String) -> [String] {
        [
            """
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF coalesce((\(condition)), false) THEN
                    RAISE EXCEPTION USING MESSAGE = \(literal(message));
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END $$
            """,
            """
            CREATE TRIGGER \(name) \(event) ON \(table)
            FOR EACH ROW EXECUTE FUNCTION \(name)()
            """,
        ]
    }

    /// The TRUNCATE of `table` refused: always (`condition` nil), or when `condition` (SQL over the
    /// table, e.g. `EXISTS (SELECT 1 FROM t WHERE state = 'released')`) is true.
    static func noTruncate(_ name: String, table: String, when condition: String? = nil, message: String) -> [String] {
        guard let condition else {
            return ["""
                CREATE TRIGGER \(name) BEFORE TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION tld_refuse(\(literal(message)))
                """]
        }
        return [
            """
            CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF coalesce((\(condition)), false) THEN
                    RAISE EXCEPTION USING MESSAGE = \(literal(message));
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER \(name) BEFORE TRUNCATE ON \(table)
            FOR EACH STATEMENT EXECUTE FUNCTION \(name)()
            """,
        ]
    }

    /// An append-only table as SQLite's `<table>_noUpdate` / `<table>_noDelete` triggers, plus
    /// `<table>_noTruncate` with the delete message.
    static func appendOnly(_ table: String, update: String, delete: String) -> [String] {
        [refuse("\(table)_noUpdate", "BEFORE UPDATE", on: table, message: update),
         refuse("\(table)_noDelete", "BEFORE DELETE", on: table, message: delete)]
            + noTruncate("\(table)_noTruncate", table: table, message: delete)
    }

    /// `'a', 'b', …` of an enumeration's raw values, for a CHECK (… IN (…)).
    static func list<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> String where T.RawValue == String {
        T.allCases.map { literal($0.rawValue) }.joined(separator: ", ")
    }
}
