import Foundation
import LabStore
import PostgresNIO

/// Read-only questions to the server's catalog that a backup and a restore ask.
extension PostgresLabStore {
    /// The server's version: its text (`server_version`) and major number (`server_version_num` / 10000).
    public func serverVersion() throws(LabStoreError) -> (text: String, major: Int) {
        try withSession("read the server version") { session in
            guard let row = try session.query("SELECT current_setting('server_version'), current_setting('server_version_num')::int4").first else {
                throw LabStoreError.invalidRecord("the server did not give its version")
            }
            let (text, number) = try row.decode((String, Int32).self)
            return (text, Int(number) / 10000)
        }
    }

    /// Whether `schema` exists in this database, and how many tables, sequences, indexes, views,
    /// functions and types it holds (a restore goes only into an empty one).
    public func schemaObjects(_ schema: String) throws(LabStoreError) -> (exists: Bool, objects: Int) {
        try withSession("look at the database's schema") { session in
            var b = PostgresBindings()
            b.append(schema)
            guard let row = try session.query("""
                SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = $1)::int8,
                       ((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1)
                        + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1)
                        + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                            WHERE n.nspname = $1 AND t.typtype IN ('d', 'e', 'r', 'm')))::int8
                """, b).first else { return (false, 0) }
            let (schemas, objects) = try row.decode((Int64, Int64).self)
            return (schemas > 0, Int(objects))
        }
    }
}
