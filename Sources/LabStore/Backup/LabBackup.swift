import Foundation

/// Backing up a lab database into a folder, restoring a backup into a new place, verifying a database
/// against a manifest, and pruning old backups (docs/backup.md).
///
/// ```swift
/// let made = try LabBackup.backUp(database: store.database, into: "/var/backups/tld", passphrase: nil, now: Date())
/// try LabBackup.restore(backup: made.backupPath, manifest: nil, into: "/srv/lab/tld.sqlite", passphrase: nil)
/// ```
/// The national-ID key never goes into a backup (it is not in the database; `tld key backup` copies it
/// elsewhere); the manifest records only its check value.
public enum LabBackup {
    /// A backup just made.
    public struct Made: Sendable {
        public let manifest: BackupManifest
        public let backupPath: String
        public let manifestPath: String

        package init(manifest: BackupManifest, backupPath: String, manifestPath: String) {
            self.manifest = manifest
            self.backupPath = backupPath
            self.manifestPath = manifestPath
        }
    }

    /// The manifest of a backup file: `manifest` if given, else the one beside the file.
    public static func manifestPath(backup: String, manifest: String?) throws(BackupFailure) -> String {
        if let manifest { return manifest }
        let name = (backup as NSString).lastPathComponent
        guard let manifestName = BackupName.manifestFileName(forBackupFile: name) else {
            throw .noInput("\(backup) is not named like a tld backup (tld-backup-….sqlite[.enc]): give --manifest")
        }
        return ((backup as NSString).deletingLastPathComponent as NSString).appendingPathComponent(manifestName)
    }

    /// Removes the backups in `folder` that `retention` does not keep: only backups this tool made
    /// (a manifest named `tld-backup-<stamp>.manifest.json` of format ``BackupManifest/formatName``,
    /// and the backup file it names, which must carry the same stamp). Returns the removed files.
    public static func prune(folder: String, retention: BackupRetention) throws(BackupFailure) -> [String] {
        guard retention.prunes else { return [] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw .noInput("cannot list \(folder): \(error.localizedDescription)")
        }
        var backups: [Date: (manifest: String, file: String)] = [:]
        for name in names {
            guard let backupName = BackupName(manifestFileName: name) else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            guard let manifest = try? BackupManifest.read(path: path),
                  [backupName.backupFileName(encrypted: false), backupName.backupFileName(encrypted: true),
                   backupName.dumpFileName(encrypted: false), backupName.dumpFileName(encrypted: true)].contains(manifest.file)
            else { continue }
            backups[backupName.date] = (path, (folder as NSString).appendingPathComponent(manifest.file))
        }
        let keep = retention.kept(Array(backups.keys))
        var removed: [String] = []
        for (date, files) in backups.sorted(by: { $0.key < $1.key }) where !keep.contains(date) {
            // The backup file first: a manifest without its file is never mistaken for a backup.
            for path in [files.file, files.manifest] where FileManager.default.fileExists(atPath: path) {
                do { try FileManager.default.removeItem(atPath: path) } catch {
                    throw .io("cannot remove \(path): \(error.localizedDescription)")
                }
                removed.append(path)
            }
        }
        BackupFiles.syncFolder(of: (folder as NSString).appendingPathComponent("x"))
        return removed
    }

}

extension LabBackup {
    /// Creates `folder` if missing and names the backup file and the manifest of `name` in it; either
    /// one existing already is refused (one backup per second). Shared by SQLite and dump backups.
    package static func newFiles(in folder: String, backup fileName: String, name: BackupName) throws(BackupFailure) -> (backup: String, manifest: String) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate("cannot create the backup folder \(folder): \(error.localizedDescription)")
        }
        let backupPath = (folder as NSString).appendingPathComponent(fileName)
        let manifestPath = (folder as NSString).appendingPathComponent(name.manifestFileName)
        for path in [backupPath, manifestPath] where FileManager.default.fileExists(atPath: path) {
            throw .cannotCreate("\(path) exists already (one backup per second)")
        }
        return (backupPath, manifestPath)
    }
}
