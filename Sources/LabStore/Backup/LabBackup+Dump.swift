import Foundation

/// Backups made by a server database's own dump tool (PostgreSQL's `pg_dump`), with the same files,
/// manifest, encryption and retention as the SQLite backups: the backend supplies the dump and the
/// content of the same snapshot, this part names, checksums, encrypts and writes the files.
extension LabBackup {
    /// Writes a dump into `folder` as `tld-backup-<stamp>.pgdump` (or `.pgdump.enc`) with its manifest.
    ///
    /// `write` gets a path in a private temporary folder (mode 0700), writes the dump there and returns
    /// the content (``BackupContent``) of exactly the snapshot it dumped. The plain dump never reaches
    /// `folder` when `passphrase` is given. The manifest is written last.
    public static func backUpDump(
        source: String, dump: BackupDump, into folder: String, passphrase: String?, now: Date,
        temporaryFolder: String = NSTemporaryDirectory(), scryptN: Int = BackupEncryption.defaultScryptN,
        write: (String) throws(BackupFailure) -> BackupContent
    ) throws(BackupFailure) -> Made {
        let name = BackupName(date: now)
        let encrypted = passphrase != nil
        let (backupPath, manifestPath) = try newFiles(in: folder, backup: name.dumpFileName(encrypted: encrypted), name: name)
        let privateFolder = try privateFolder(in: temporaryFolder)
        defer { try? FileManager.default.removeItem(atPath: privateFolder) }
        let plain = (privateFolder as NSString).appendingPathComponent("dump")
        let partial = backupPath + ".partial"
        do {
            let content = try write(plain)
            try? FileManager.default.removeItem(atPath: partial)
            if let passphrase {
                do { try BackupEncryption.encrypt(source: plain, destination: partial, passphrase: passphrase, scryptN: scryptN) } catch {
                    throw BackupFailure.encryption(error)
                }
            } else {
                try copyNew(from: plain, to: partial)
            }
            let digest = try BackupFiles.sha256(path: partial)
            let bytes = (try FileManager.default.attributesOfItem(atPath: partial)[.size] as? NSNumber)?.int64Value ?? 0
            try BackupFiles.moveNoReplace(from: partial, to: backupPath)
            var manifest = BackupManifest(
                format: BackupManifest.formatName, createdAt: ISO8601DateFormatter().string(from: name.date),
                source: source, file: (backupPath as NSString).lastPathComponent,
                fileSHA256: digest, fileBytes: bytes, encrypted: encrypted, content: content)
            manifest.dump = dump
            try BackupFiles.writeAtomically(try manifest.encoded(), to: manifestPath)
            return Made(manifest: manifest, backupPath: backupPath, manifestPath: manifestPath)
        } catch let failure as BackupFailure {
            try? FileManager.default.removeItem(atPath: partial)
            throw failure
        } catch let failure as BackupFiles.Failure {
            try? FileManager.default.removeItem(atPath: partial)
            throw failure.exists ? .cannotCreate(failure.description) : .io(failure.description)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw .io("backup into \(folder): \(error.localizedDescription)")
        }
    }

    /// Restores a dump: checks the file against its manifest's SHA-256, decrypts it into a private
    /// temporary folder when encrypted, hands the plain dump to `restore` (which loads it and returns
    /// the content of what it loaded), and compares that content with the manifest.
    ///
    /// - Throws: ``BackupFailure/usage(_:)`` for a SQLite backup (it restores into a file);
    ///   ``BackupFailure/differences(_:)`` when the restored database differs from the manifest.
    @discardableResult
    public static func restoreDump(
        backup: String, manifest manifestPath: String?, passphrase: String?,
        temporaryFolder: String = NSTemporaryDirectory(),
        restore: (String, BackupManifest) throws(BackupFailure) -> BackupContent
    ) throws(BackupFailure) -> BackupManifest {
        guard FileManager.default.fileExists(atPath: backup) else { throw .noInput("no backup file at \(backup)") }
        let manifest = try BackupManifest.read(path: try self.manifestPath(backup: backup, manifest: manifestPath))
        guard manifest.dump != nil else {
            throw .usage("\(backup) is a SQLite backup: restore it into a new file (--database PATH), not into a server database")
        }
        let digest: String
        do { digest = try BackupFiles.sha256(path: backup) } catch { throw .io("cannot read \(backup): \(error)") }
        guard digest == manifest.fileSHA256 else {
            throw .badBackup("\(backup) does not match its manifest's checksum: the file is damaged or not the one the manifest describes")
        }
        var plain = backup
        var privateFolder: String?
        defer { if let privateFolder { try? FileManager.default.removeItem(atPath: privateFolder) } }
        if manifest.encrypted || BackupEncryption.isEncrypted(path: backup) {
            guard let passphrase else { throw .noPassphrase("\(backup) is encrypted: give --passphrase-file or set TLD_BACKUP_PASSPHRASE") }
            let folder = try LabBackup.privateFolder(in: temporaryFolder)
            privateFolder = folder
            plain = (folder as NSString).appendingPathComponent("dump")
            do { try BackupEncryption.decrypt(source: backup, destination: plain, passphrase: passphrase) } catch {
                throw .encryption(error)
            }
        }
        let restored = try restore(plain, manifest)
        let differences = manifest.content.differences(from: restored)
        guard differences.isEmpty else { throw .differences(differences) }
        return manifest
    }

    /// A new folder only this user can enter (mkdtemp, mode 0700).
    public static func privateFolder(in temporaryFolder: String) throws(BackupFailure) -> String {
        let template = (temporaryFolder as NSString).appendingPathComponent("tld-backup-XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw .cannotCreate("cannot create a private temporary folder in \(temporaryFolder)") }
        return String(cString: made)
    }

    /// Copies `source` to the new file `destination` (mode 0600) and syncs it.
    private static func copyNew(from source: String, to destination: String) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw BackupFailure.noInput("cannot read \(source)") }
        defer { try? input.close() }
        let output = try BackupFiles.createExclusive(path: destination)
        defer { try? output.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
        try output.synchronize()
    }
}
