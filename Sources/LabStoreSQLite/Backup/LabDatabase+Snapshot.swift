import Foundation
import GRDB
import LabStore

extension LabDatabase {
    /// Copies the database, as one consistent snapshot, into a new SQLite file at `path`, while other
    /// connections may go on writing (an online backup).
    ///
    /// SQLite's online backup API (https://www.sqlite.org/backup.html, `sqlite3_backup_init/step/finish`)
    /// through GRDB's `DatabaseReader.backup(to:)`, which runs the whole copy inside one read transaction
    /// of the source: in WAL mode a reader sees one snapshot and never blocks the writer
    /// (https://www.sqlite.org/wal.html, "readers do not block writers"), so the copy is the database as
    /// of one commit, whatever a readout writes meanwhile. Never a file copy: the main file alone under a
    /// live WAL misses committed transactions. The copy is switched to the rollback journal
    /// (`journal_mode = DELETE`) so that it is one self-contained file.
    /// - Throws: ``LabStoreError`` when `path` exists (it is never overwritten) or cannot be written.
    public func snapshot(to path: String) throws(LabStoreError) {
        // The copy holds everything the lab holds: created here, new (O_EXCL) and private (0600),
        // before SQLite opens it.
        do {
            try BackupFiles.createExclusive(path: path).close()
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        do {
            var configuration = Configuration()
            configuration.label = "LabSnapshot"
            let destination = try DatabaseQueue(path: path, configuration: configuration)
            do {
                try writer.backup(to: destination)
                try destination.writeWithoutTransaction { db in
                    _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
                }
                try destination.close()
            } catch {
                try? destination.close()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw LabStoreError.wrapping(error, operation: "copy the database (SQLite backup API)")
        }
    }
}
