import Foundation
import LabStore

/// The SQLite side of ``LabBackup``: an online snapshot of a lab file, restoring one into a new file,
/// verifying a file against its manifest (docs/backup.md).
extension LabBackup {
    /// Takes a consistent online snapshot of `database`, writes it (encrypted when `passphrase` is
    /// given) and its manifest into `folder` (created if missing). The manifest is written last: a
    /// backup file without its manifest is an unfinished backup.
    public static func backUp(
        database: LabDatabase, into folder: String, passphrase: String?, now: Date,
        temporaryFolder: String = NSTemporaryDirectory(), scryptN: Int = BackupEncryption.defaultScryptN
    ) throws(BackupFailure) -> Made {
        let name = BackupName(date: now)
        let encrypted = passphrase != nil
        let (backupPath, manifestPath) = try newFiles(in: folder, backup: name.backupFileName(encrypted: encrypted), name: name)
        // The plain snapshot: in the backup folder when it stays plain, else in a private temporary
        // folder (mode 0700) on this machine, so that no plain copy reaches the backup medium.
        var privateFolder: String?
        defer { if let privateFolder { try? FileManager.default.removeItem(atPath: privateFolder) } }
        let snapshotPath: String
        if encrypted {
            let template = (temporaryFolder as NSString).appendingPathComponent("tld-backup-XXXXXX")
            var bytes = Array(template.utf8CString)
            guard let made = mkdtemp(&bytes) else { throw .cannotCreate("cannot create a private temporary folder in \(temporaryFolder)") }
            privateFolder = String(cString: made)
            snapshotPath = ((privateFolder ?? temporaryFolder) as NSString).appendingPathComponent("snapshot.sqlite")
        } else {
            snapshotPath = backupPath + ".partial"
            try? FileManager.default.removeItem(atPath: snapshotPath)
        }
        do {
            do {
                try database.snapshot(to: snapshotPath)
            } catch {
                throw BackupFailure.store(error)
            }
            let content: BackupContent
            do { content = try BackupContent.read(databaseAt: snapshotPath) } catch { throw BackupFailure.store(error) }
            let partial = backupPath + ".partial"
            if let passphrase {
                do { try BackupEncryption.encrypt(source: snapshotPath, destination: partial, passphrase: passphrase, scryptN: scryptN) } catch {
                    throw BackupFailure.encryption(error)
                }
            } else {
                try BackupFiles.sync(path: partial)
            }
            let digest = try BackupFiles.sha256(path: partial)
            let bytes = (try FileManager.default.attributesOfItem(atPath: partial)[.size] as? NSNumber)?.int64Value ?? 0
            try BackupFiles.moveNoReplace(from: partial, to: backupPath)
            let manifest = BackupManifest(
                format: BackupManifest.formatName, createdAt: ISO8601DateFormatter().string(from: name.date),
                source: database.path ?? ":memory:", file: (backupPath as NSString).lastPathComponent,
                fileSHA256: digest, fileBytes: bytes, encrypted: encrypted, content: content)
            try BackupFiles.writeAtomically(try manifest.encoded(), to: manifestPath)
            return Made(manifest: manifest, backupPath: backupPath, manifestPath: manifestPath)
        } catch let failure as BackupFailure {
            try? FileManager.default.removeItem(atPath: backupPath + ".partial")
            throw failure
        } catch let failure as BackupFiles.Failure {
            try? FileManager.default.removeItem(atPath: backupPath + ".partial")
            throw failure.exists ? .cannotCreate(failure.description) : .io(failure.description)
        } catch {
            try? FileManager.default.removeItem(atPath: backupPath + ".partial")
            throw .io("backup into \(folder): \(error.localizedDescription)")
        }
    }

    /// Restores `backup` into `destination`, which must not exist (nor its -wal, -shm or -journal):
    /// the file's checksum is checked against the manifest first, the restored copy's content after
    /// (every table, curve and dose version), and only then does it get its name, without ever
    /// replacing a file (link(2)).
    @discardableResult
    public static func restore(
        backup: String, manifest manifestPath: String?, into destination: String, passphrase: String?
    ) throws(BackupFailure) -> BackupManifest {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup) else { throw .noInput("no backup file at \(backup)") }
        let manifest = try BackupManifest.read(path: try self.manifestPath(backup: backup, manifest: manifestPath))
        if let dump = manifest.dump {
            throw .usage("\(backup) is a \(dump.backend) dump: restore it into a \(dump.backend) database (--database postgres://…), not into a file")
        }
        for path in [destination, destination + "-wal", destination + "-shm", destination + "-journal"] where fm.fileExists(atPath: path) {
            throw .cannotCreate("\(path) exists: tld restore only restores into an empty location (never over a database)")
        }
        let digest: String
        do { digest = try BackupFiles.sha256(path: backup) } catch { throw .io("cannot read \(backup): \(error)") }
        guard digest == manifest.fileSHA256 else {
            throw .badBackup("\(backup) does not match its manifest's checksum: the file is damaged or not the one the manifest describes")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        if !folder.isEmpty, !fm.fileExists(atPath: folder) {
            do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw .cannotCreate("cannot create \(folder): \(error.localizedDescription)")
            }
        }
        let temporary = destination + ".restoring"
        try? fm.removeItem(atPath: temporary)
        do {
            if manifest.encrypted || BackupEncryption.isEncrypted(path: backup) {
                guard let passphrase else { throw BackupFailure.noPassphrase("\(backup) is encrypted: give --passphrase-file or set TLD_BACKUP_PASSPHRASE") }
                do { try BackupEncryption.decrypt(source: backup, destination: temporary, passphrase: passphrase) } catch {
                    throw BackupFailure.encryption(error)
                }
            } else {
                try copy(from: backup, to: temporary)
            }
            let restored: BackupContent
            do { restored = try BackupContent.read(databaseAt: temporary) } catch { throw BackupFailure.store(error) }
            let differences = manifest.content.differences(from: restored)
            guard differences.isEmpty else { throw BackupFailure.differences(differences) }
            try BackupFiles.moveNoReplace(from: temporary, to: destination)
            return manifest
        } catch let failure as BackupFailure {
            try? fm.removeItem(atPath: temporary)
            throw failure
        } catch let failure as BackupFiles.Failure {
            try? fm.removeItem(atPath: temporary)
            throw failure.exists ? .cannotCreate(failure.description) : .io(failure.description)
        } catch {
            try? fm.removeItem(atPath: temporary)
            throw .io("restore into \(destination): \(error.localizedDescription)")
        }
    }

    /// How the database at `database` differs from the manifest (empty: identical).
    public static func verify(database: String, manifest: BackupManifest) throws(BackupFailure) -> [String] {
        if let dump = manifest.dump {
            throw .usage("the manifest describes a \(dump.backend) dump (schema \(dump.schema)): verify it against that database (--database postgres://…), not a file")
        }
        guard FileManager.default.fileExists(atPath: database) else { throw .noInput("no database at \(database)") }
        do {
            return manifest.content.differences(from: try BackupContent.read(databaseAt: database))
        } catch {
            throw .store(error)
        }
    }

    private static func copy(from source: String, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw BackupFailure.noInput("cannot read \(source)") }
        defer { try? input.close() }
        let output = try BackupFiles.createExclusive(path: destination)
        defer { try? output.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
        try output.synchronize()
    }
}
