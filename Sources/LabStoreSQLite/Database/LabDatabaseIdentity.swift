import Foundation
import GRDB
import LabStore

/// How a lab database is told apart from any other SQLite file: the SQLite application ID.
///
/// SQLite keeps a 32-bit "Application ID" at offset 68 of the database header, set by
/// `PRAGMA application_id` and meant exactly for this: "Applications that use SQLite as their
/// application file-format should set the Application ID integer to a unique integer so that
/// utilities such as file(1) can determine the specific file type"
/// (https://www.sqlite.org/fileformat.html#application_id, https://www.sqlite.org/pragma.html#pragma_application_id).
///
/// The lab's ID is ``applicationID`` = `0x544C444C`, the ASCII bytes "TLDL" (1 414 284 364). A file is
/// accepted when it is new (missing or empty), has that ID, or has no ID but the lab's migration
/// table (a lab database made before the ID existed: it gets the ID). Anything else — another
/// application ID, tables of another program, a file that is not SQLite — is refused before any
/// migration runs, and nothing is written to it.
public enum LabDatabaseIdentity {
    /// "TLDL" in ASCII.
    public static let applicationID: Int32 = 0x544C_444C

    /// The first 16 bytes of every SQLite 3 database file (fileformat.html §1.3.1).
    static let sqliteMagic = Array("SQLite format 3\u{0}".utf8)

    /// Checks the file at `path` before it is opened for writing.
    /// - Throws: ``LabStoreError/notALabDatabase(path:reason:)``.
    static func check(path: String) throws(LabStoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }  // new file (or unreadable: open says why)
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        guard !header.isEmpty else { return }  // an empty file is a new database
        guard header.count >= 100, Array(header.prefix(16)) == sqliteMagic else {
            throw .notALabDatabase(path: path, reason: "it is not an SQLite database")
        }
        let headerID = header[68..<72].reduce(Int32(0)) { ($0 << 8) | Int32($1) }
        if headerID == applicationID { return }
        if headerID != 0 {
            throw .notALabDatabase(path: path, reason: "its SQLite application ID is \(hex(headerID)), not the lab's \(hex(applicationID))")
        }
        // No ID in the main file's header: look inside (a recent change may still be in the WAL).
        let found: (id: Int32, tables: [String], labMigrations: Bool)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            // Another program may be creating the file this very moment (WAL set-up locks it).
            configuration.busyMode = .timeout(LabDatabase.busyTimeoutSeconds)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            found = try queue.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                    """)
                var lab = false
                if tables.contains("grdb_migrations") {
                    lab = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = ?)",
                                            arguments: [LabMigrations.names[0]]) ?? false
                }
                return (id, tables, lab)
            }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw .databaseBusy(operation: "check that \(path) is a lab database")
        } catch {
            throw .notALabDatabase(path: path, reason: "it cannot be read as an SQLite database (\(error))")
        }
        if found.id == applicationID { return }
        if found.id != 0 {
            throw .notALabDatabase(path: path, reason: "its SQLite application ID is \(hex(found.id)), not the lab's \(hex(applicationID))")
        }
        if found.tables.isEmpty || found.labMigrations { return }
        let shown = found.tables.prefix(5).joined(separator: ", ") + (found.tables.count > 5 ? ", …" : "")
        throw .notALabDatabase(path: path, reason: "it holds another program's tables (\(shown))")
    }

    /// Sets the lab's application ID on a database that has none (a new one, or one made before the ID).
    static func stamp(_ db: Database) throws {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if id == 0 { try db.execute(sql: "PRAGMA application_id = \(applicationID)") }
    }

    static func hex(_ value: Int32) -> String {
        "0x" + String(UInt32(bitPattern: value), radix: 16, uppercase: true)
    }
}
