import GRDB
import LabStore

extension LabDatabase {
    /// The schema migrations this program knows, in order (`tld db status`).
    public static var knownMigrations: [String] { LabMigrations.names }

    /// The migrations recorded in the lab database file at `path`, in the order they were applied,
    /// read without migrating or writing anything (a read-only connection).
    ///
    /// - Throws: ``LabStoreError/notALabDatabase(path:reason:)``, ``LabStoreError/cannotOpen(path:reason:)``.
    public static func recordedMigrations(path: String) throws(LabStoreError) -> [String] {
        try LabDatabaseIdentity.check(path: path)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in
                try db.tableExists("grdb_migrations")
                    ? String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
            }
        } catch {
            throw LabStoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }
}
