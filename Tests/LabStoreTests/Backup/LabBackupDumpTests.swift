import Foundation
import TestSupport
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Issue 18: the file side of dump backups (PostgreSQL's pg_dump): names, manifest, encryption,
/// the checks of restoreDump, retention — with a stand-in dump, no server needed.
@Suite("Lab backup of a server dump: files, manifest, restore checks, retention", .serialized)
struct LabBackupDumpTests {
    static let dump = BackupDump(backend: "PostgreSQL", schema: "lab", serverVersion: "15.18", tool: "pg_dump (PostgreSQL) 15.18")
    static let bytes = Data("PGDMP stand-in dump".utf8)

    static func content(_ dir: TemporaryDirectory) throws -> BackupContent {
        let store = try LabBackupTests.lab(dir, cards: 2)
        return try BackupContent.read(store.database)
    }

    @Test("a dump gets its .pgdump name and a manifest with its dump entry; encrypted, no plain dump reaches the folder; restoreDump checks file and content")
    func backUpAndRestore() throws {
        let dir = try TemporaryDirectory("backup-dump")
        defer { dir.cleanup() }
        let content = try Self.content(dir)
        let folder = dir.path("backups")
        let made = try LabBackup.backUpDump(source: "postgres://tld@db/lab", dump: Self.dump, into: folder, passphrase: nil,
                                            now: Date(timeIntervalSince1970: 1_801_966_500)) { path throws(BackupFailure) in
            FileManager.default.createFile(atPath: path, contents: Self.bytes)
            return content
        }
        #expect((made.backupPath as NSString).lastPathComponent == "tld-backup-20270207T021500Z.pgdump")
        #expect(FileManager.default.contents(atPath: made.backupPath) == Self.bytes)
        let manifest = try BackupManifest.read(path: made.manifestPath)
        #expect(manifest.dump == Self.dump)
        #expect(manifest.content == content)

        // Restore: the closure gets the dump's bytes; the same content passes, another is refused.
        var handed: Data?
        try LabBackup.restoreDump(backup: made.backupPath, manifest: nil, passphrase: nil) { path, _ throws(BackupFailure) in
            handed = FileManager.default.contents(atPath: path)
            return content
        }
        #expect(handed == Self.bytes)
        var changed = content
        changed.curves[0].sha256 = String(repeating: "0", count: 64)
        #expect(throws: BackupFailure.self) {
            try LabBackup.restoreDump(backup: made.backupPath, manifest: nil, passphrase: nil) { _, _ throws(BackupFailure) in changed }
        }
        // A SQLite restore refuses the dump, and a dump restore a SQLite backup (64).
        #expect(throws: BackupFailure.usage("\(made.backupPath) is a PostgreSQL dump: restore it into a PostgreSQL database (--database postgres://…), not into a file")) {
            try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("new.sqlite"), passphrase: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("new.sqlite")))
        let other = try TemporaryDirectory("backup-dump-sqlite")
        defer { other.cleanup() }
        let store = try LabBackupTests.lab(other, cards: 1)
        let sqlite = try LabBackup.backUp(database: store.database, into: dir.path("sqlite"), passphrase: nil, now: Date())
        var called = false
        #expect(throws: BackupFailure.self) {
            try LabBackup.restoreDump(backup: sqlite.backupPath, manifest: nil, passphrase: nil) { _, _ throws(BackupFailure) in called = true; return content }
        }
        #expect(!called)
        // A damaged dump is refused before the closure runs.
        try Data("PGDMP altered".utf8).write(to: URL(fileURLWithPath: made.backupPath))
        #expect(throws: BackupFailure.self) {
            try LabBackup.restoreDump(backup: made.backupPath, manifest: nil, passphrase: nil) { _, _ throws(BackupFailure) in called = true; return content }
        }
        #expect(!called)

        // Encrypted: .pgdump.enc, no plain bytes in the folder, restores with the passphrase only.
        let enc = try LabBackup.backUpDump(source: "postgres://tld@db/lab", dump: Self.dump, into: folder, passphrase: LabBackupTests.passphrase,
                                           now: Date(timeIntervalSince1970: 1_801_966_501), scryptN: 1 << 10) { path throws(BackupFailure) in
            FileManager.default.createFile(atPath: path, contents: Self.bytes)
            return content
        }
        #expect(enc.backupPath.hasSuffix(".pgdump.enc"))
        let stored = try #require(FileManager.default.contents(atPath: enc.backupPath))
        #expect(stored.range(of: Self.bytes) == nil)
        #expect(throws: BackupFailure.self) {
            try LabBackup.restoreDump(backup: enc.backupPath, manifest: nil, passphrase: nil) { _, _ throws(BackupFailure) in content }
        }
        try LabBackup.restoreDump(backup: enc.backupPath, manifest: nil, passphrase: LabBackupTests.passphrase) { path, _ throws(BackupFailure) in
            handed = FileManager.default.contents(atPath: path)
            return content
        }
        #expect(handed == Self.bytes)
    }

    @Test("retention prunes dump backups like SQLite backups")
    func prune() throws {
        let dir = try TemporaryDirectory("backup-dump-prune")
        defer { dir.cleanup() }
        let content = try Self.content(dir)
        let folder = dir.path("backups")
        let start = Date(timeIntervalSince1970: 1_798_761_600)
        var made: [LabBackup.Made] = []
        for d in 0..<3 {
            made.append(try LabBackup.backUpDump(source: "postgres://tld@db/lab", dump: Self.dump, into: folder, passphrase: nil,
                                                 now: start.addingTimeInterval(Double(d) * 86_400)) { path throws(BackupFailure) in
                FileManager.default.createFile(atPath: path, contents: Self.bytes)
                return content
            })
        }
        let removed = try LabBackup.prune(folder: folder, retention: BackupRetention(daily: 1))
        #expect(Set(removed) == Set(made.prefix(2).flatMap { [$0.backupPath, $0.manifestPath] }))
        #expect(BackupName.manifestFileName(forBackupFile: "tld-backup-20270207T021500Z.pgdump.enc") == "tld-backup-20270207T021500Z.manifest.json")
    }
}
