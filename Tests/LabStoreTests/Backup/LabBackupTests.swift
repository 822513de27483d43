import Foundation
import TestSupport
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Issue 18: `tld backup`'s store side — an online snapshot, its manifest, encryption, restore into an
/// empty place only, verify, retention.
@Suite("Lab backup, restore and verify", .serialized)
struct LabBackupTests {
    static let logger = StoreFixture.logger
    static let passphrase = "correct horse battery staple"

    /// A lab database file with one batch of `cards` 4-element cards and a dose for each.
    static func lab(_ dir: TemporaryDirectory, cards: Int = 5) throws -> SQLiteLabStore {
        let store = try SQLiteLabStore.open(path: dir.path("lab.sqlite"), logger: logger)
        let batch = try #require(try store.openSampleBatch().id)
        for card in 0..<cards {
            for element in 1...4 {
                _ = try store.saveElementReading(Samples.storedReading(batch: batch, card: "1000\(card)", element: element,
                                                                       seed: UInt32(card * 4 + element)))
            }
            _ = try store.saveDose(Samples.evaluation(batch: batch, card: "1000\(card)", hp10: 0.1 * Double(card + 1)))
        }
        return store
    }

    @Test("a backup restores into a new file whose every table, curve and dose version equals the original")
    func roundTrip() throws {
        let dir = try TemporaryDirectory("backup-roundtrip")
        defer { dir.cleanup() }
        let store = try Self.lab(dir)
        let made = try LabBackup.backUp(database: store.database, into: dir.path("backups"), passphrase: nil, now: Date())
        #expect(made.manifest.content.curves.count == 20 && made.manifest.content.doses.count == 5)
        #expect(made.manifest.content.migrations == LabMigrations.names)
        #expect(made.manifest.content.tables.first { $0.name == "elementReading" }?.rows == 20)
        let restored = dir.path("restored/lab.sqlite")
        try LabBackup.restore(backup: made.backupPath, manifest: nil, into: restored, passphrase: nil)
        #expect(try BackupContent.read(databaseAt: restored) == BackupContent.read(store.database))
        #expect(try LabBackup.verify(database: restored, manifest: made.manifest).isEmpty)
        // The restored file is a lab database the store opens.
        #expect(try SQLiteLabStore.open(path: restored, logger: Self.logger).counts().storedElements == 20)
    }

    @Test("restore refuses an existing database, its WAL, or a backup file that does not match the manifest")
    func restoreRefuses() throws {
        let dir = try TemporaryDirectory("backup-refuse")
        defer { dir.cleanup() }
        let store = try Self.lab(dir, cards: 2)
        let made = try LabBackup.backUp(database: store.database, into: dir.path("backups"), passphrase: nil, now: Date())
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: dir.path("existing.sqlite")))
        #expect(throws: BackupFailure.self) { try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("existing.sqlite"), passphrase: nil) }
        #expect(try String(contentsOfFile: dir.path("existing.sqlite"), encoding: .utf8) == "keep me")
        try Data().write(to: URL(fileURLWithPath: dir.path("other.sqlite-wal")))
        do {
            try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("other.sqlite"), passphrase: nil)
            Issue.record("restored next to a WAL")
        } catch {
            guard case let .cannotCreate(text) = error else { Issue.record("\(error)"); return }
            #expect(text.contains("other.sqlite-wal exists"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("other.sqlite")))
        // One byte changed in the backup file: refused by the manifest's checksum before anything is written.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: made.backupPath))
        bytes[bytes.count - 100] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: made.backupPath))
        #expect(throws: BackupFailure.self) { try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("new.sqlite"), passphrase: nil) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("new.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("new.sqlite.restoring")))
    }

    @Test("an encrypted backup holds no plain SQLite, needs the passphrase, and refuses a cut or altered file")
    func encrypted() throws {
        let dir = try TemporaryDirectory("backup-encrypted")
        defer { dir.cleanup() }
        let store = try Self.lab(dir, cards: 3)
        // A smaller scrypt cost than a lab's (2^17): the debug build's BoringSSL is unoptimised, and
        // this test derives the key five times; the drill test runs the real cost through tld.
        let made = try LabBackup.backUp(database: store.database, into: dir.path("backups"), passphrase: Self.passphrase, now: Date(),
                                        scryptN: 1 << 12)
        #expect(made.backupPath.hasSuffix(".sqlite.enc") && made.manifest.encrypted)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: made.backupPath))
        #expect(bytes.prefix(8) == Data("TLDBAKE1".utf8))
        #expect(bytes.range(of: Data("SQLite format 3".utf8)) == nil)
        #expect(bytes.range(of: Data("elementReading".utf8)) == nil)
        // No plain copy is left in the backup folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("backups")).sorted()
                == [(made.manifestPath as NSString).lastPathComponent, (made.backupPath as NSString).lastPathComponent].sorted())

        #expect(throws: BackupFailure.noPassphrase("\(made.backupPath) is encrypted: give --passphrase-file or set TLD_BACKUP_PASSPHRASE")) {
            try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("a.sqlite"), passphrase: nil)
        }
        #expect(throws: BackupFailure.encryption(.wrongPassphrase(path: made.backupPath))) {
            try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("a.sqlite"), passphrase: "not the passphrase at all")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("a.sqlite")))
        try LabBackup.restore(backup: made.backupPath, manifest: nil, into: dir.path("a.sqlite"), passphrase: Self.passphrase)
        #expect(try BackupContent.read(databaseAt: dir.path("a.sqlite")) == BackupContent.read(store.database))

        // Cut after a whole chunk or inside one, or one byte altered: refused, nothing left behind.
        let cut = dir.path("cut.enc")
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: cut))
        #expect(throws: BackupEncryption.Failure.self) { try BackupEncryption.decrypt(source: cut, destination: dir.path("cut.sqlite"), passphrase: Self.passphrase) }
        #expect(!FileManager.default.fileExists(atPath: dir.path("cut.sqlite")))
        var altered = bytes
        altered[altered.count / 2] ^= 0x40
        try altered.write(to: URL(fileURLWithPath: dir.path("altered.enc")))
        #expect(throws: BackupEncryption.Failure.wrongPassphrase(path: dir.path("altered.enc"))) {
            try BackupEncryption.decrypt(source: dir.path("altered.enc"), destination: dir.path("altered.sqlite"), passphrase: Self.passphrase)
        }
    }

    @Test("a file that is several chunks long round-trips through the encryption, and a dropped last chunk is noticed")
    func chunks() throws {
        let dir = try TemporaryDirectory("backup-chunks")
        defer { dir.cleanup() }
        var plain = Data(count: BackupEncryption.chunkSize * 2 + 12_345)
        for i in plain.indices { plain[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 9) }
        try plain.write(to: URL(fileURLWithPath: dir.path("plain")))
        try BackupEncryption.encrypt(source: dir.path("plain"), destination: dir.path("enc"), passphrase: Self.passphrase, scryptN: 1 << 12)
        try BackupEncryption.decrypt(source: dir.path("enc"), destination: dir.path("back"), passphrase: Self.passphrase)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("back"))) == plain)
        // Drop the last chunk (12 345 bytes + 28 of nonce and tag + 4 of length): the file now ends
        // after a chunk that is not flagged last.
        let enc = try Data(contentsOf: URL(fileURLWithPath: dir.path("enc")))
        try enc.prefix(enc.count - (12_345 + 28 + 4)).write(to: URL(fileURLWithPath: dir.path("short")))
        #expect(throws: BackupEncryption.Failure.badFile(path: dir.path("short"), reason: "it ends before its last chunk (cut short)")) {
            try BackupEncryption.decrypt(source: dir.path("short"), destination: dir.path("short.out"), passphrase: Self.passphrase)
        }
    }

    @Test("verify names the curve and the dose version that changed, and an added row")
    func verifyFindsDifferences() throws {
        let dir = try TemporaryDirectory("backup-verify")
        defer { dir.cleanup() }
        let store = try Self.lab(dir, cards: 2)
        let made = try LabBackup.backUp(database: store.database, into: dir.path("backups"), passphrase: nil, now: Date())
        let copy = dir.path("copy.sqlite")
        try LabBackup.restore(backup: made.backupPath, manifest: nil, into: copy, passphrase: nil)
        // Another program alters the copy behind the lab's triggers.
        _ = try LabDatabaseIdentityTests.sqlite3(copy, """
            DROP TRIGGER elementReading_noUpdate; UPDATE elementReading SET readerCurveCRC32 = readerCurveCRC32 + 1 WHERE id = 3;
            DROP TRIGGER doseResult_valuesImmutable; UPDATE doseResult SET hp10MilliSievert = 9.9 WHERE id = 2;
            """)
        let lines = try LabBackup.verify(database: copy, manifest: made.manifest)
        #expect(lines.contains("curve 3 (batch 1 card 10000 element 3): differs"), "\(lines)")
        #expect(lines.contains("dose version 2 (batch 1 card 10001 version 1): differs"), "\(lines)")
        #expect(lines.contains("schema (tables, indexes, triggers) differs"), "\(lines)")
        #expect(lines.contains("table elementReading: same 8 rows counted, contents differ"), "\(lines)")
        // The live database went on: a new reading shows as a row the manifest does not have.
        let batch = try #require(try store.batches().first?.id)
        _ = try store.saveElementReading(Samples.storedReading(batch: batch, card: "10009", element: 1))
        let live = try LabBackup.verify(database: dir.path("lab.sqlite"), manifest: made.manifest)
        #expect(live.contains("table elementReading: 8 rows in the manifest, 9 in the database"), "\(live)")
        #expect(live.contains("curve 9 (batch 1 card 10009 element 1): in the database, not in the manifest"), "\(live)")
    }

    @Test("a snapshot taken while another connection writes is the database as of one commit")
    func snapshotUnderWrites() async throws {
        let dir = try TemporaryDirectory("backup-concurrent")
        defer { dir.cleanup() }
        let store = try Self.lab(dir, cards: 1)
        let batch = try #require(try store.batches().first?.id)
        // A second program's connection writes readings one transaction each, on a thread of its own
        // (never waiting for the cooperative pool, which other tests may keep busy), while this one
        // snapshots; the snapshots start once the writer has committed its first cards.
        let writer = try SQLiteLabStore.open(path: dir.path("lab.sqlite"), logger: Self.logger)
        let started = AsyncStream<Void>.makeStream()
        let finished = AsyncStream<Result<Void, any Error>>.makeStream()
        let thread = Thread {
            let result = Result<Void, any Error> {
                for card in 0..<150 {
                    for element in 1...4 {
                        _ = try writer.saveElementReading(Samples.storedReading(batch: batch, card: "2\(card)", element: element,
                                                                                channels: 400, seed: UInt32(card)))
                    }
                    if card == 2 { started.continuation.yield(); started.continuation.finish() }
                }
            }
            started.continuation.finish()
            finished.continuation.yield(result)
            finished.continuation.finish()
        }
        thread.start()
        for await _ in started.stream { break }
        var snapshots: [BackupContent] = []
        for i in 0..<6 {
            let path = dir.path("snap\(i).sqlite")
            try store.database.snapshot(to: path)
            snapshots.append(try BackupContent.read(databaseAt: path))
            #expect(try LabDatabaseIdentityTests.sqlite3(path, "PRAGMA integrity_check; PRAGMA journal_mode;") == "ok\ndelete")
        }
        for await result in finished.stream { try result.get() }
        let final = try BackupContent.read(store.database)
        let finalCurves = Dictionary(uniqueKeysWithValues: final.curves.map { ($0.id, $0.sha256) })
        for snapshot in snapshots {
            // Readings are committed one by one with growing ids: a consistent copy holds ids 1…n,
            // each identical to the row in the database now.
            #expect(snapshot.curves.map(\.id) == Array(1...Int64(snapshot.curves.count)))
            #expect(snapshot.curves.allSatisfy { finalCurves[$0.id] == $0.sha256 })
            #expect(snapshot.tables.first { $0.name == "elementReading" }?.rows == snapshot.curves.count)
        }
        #expect(final.curves.count == 4 + 600)
        #expect(snapshots.contains { $0.curves.count > 4 && $0.curves.count < 604 }, "no snapshot was taken while the writer wrote")
    }

    @Test("retention keeps the newest backup of each of the last days, ISO weeks and months, and the newest")
    func retention() throws {
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01 00:00 UTC, a Friday
        // Two backups a day (02:00 and 14:00) for 70 days.
        let dates = (0..<70).flatMap { d in [start.addingTimeInterval(Double(d) * day + 7_200), start.addingTimeInterval(Double(d) * day + 50_400)] }
        let kept = BackupRetention(daily: 3, weekly: 2, monthly: 3).kept(dates)
        let iso = ISO8601DateFormatter()
        let names = kept.sorted().map { iso.string(from: $0) }
        #expect(names == [
            "2027-01-31T14:00:00Z",  // January's newest
            "2027-02-28T14:00:00Z",  // February's newest, the newest of ISO week 8
            "2027-03-07T14:00:00Z",  // the newest of ISO week 9 (a Sunday)
            "2027-03-09T14:00:00Z", "2027-03-10T14:00:00Z", "2027-03-11T14:00:00Z",  // the last 3 days; March
        ], "\(names)")
        #expect(BackupRetention().kept(dates).count == dates.count)
        #expect(BackupRetention(daily: 1).kept(dates) == [dates.max()!])
    }

    @Test("pruning removes only backups this tool made, with their manifests")
    func pruneOnlyOwnFiles() throws {
        let dir = try TemporaryDirectory("backup-prune")
        defer { dir.cleanup() }
        let store = try Self.lab(dir, cards: 1)
        let folder = dir.path("backups")
        let start = Date(timeIntervalSince1970: 1_798_761_600)
        var made: [LabBackup.Made] = []
        for d in 0..<4 { made.append(try LabBackup.backUp(database: store.database, into: folder, passphrase: nil, now: start.addingTimeInterval(Double(d) * 86_400))) }
        // Files the tool did not make: a note, a look-alike name that is no manifest, an unfinished backup.
        try Data("note".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/tld-backup-20261201T000000Z.manifest.json"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/tld-backup-20261202T000000Z.sqlite"))
        let removed = try LabBackup.prune(folder: folder, retention: BackupRetention(daily: 2))
        #expect(Set(removed) == Set(made.prefix(2).flatMap { [$0.backupPath, $0.manifestPath] }))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == (["notes.txt", "tld-backup-20261201T000000Z.manifest.json", "tld-backup-20261202T000000Z.sqlite"]
            + made.suffix(2).flatMap { [($0.backupPath as NSString).lastPathComponent, ($0.manifestPath as NSString).lastPathComponent] }).sorted())
    }

    @Test("backup names carry the UTC second and are read back; other names are not backups")
    func names() throws {
        let date = Date(timeIntervalSince1970: 1_801_966_500.75)  // 2027-02-07T02:15:00.75Z
        let name = BackupName(date: date)
        #expect(name.stamp == "20270207T021500Z")
        #expect(name.manifestFileName == "tld-backup-20270207T021500Z.manifest.json")
        #expect(name.backupFileName(encrypted: true) == "tld-backup-20270207T021500Z.sqlite.enc")
        #expect(BackupName(manifestFileName: name.manifestFileName) == name)
        #expect(BackupName(manifestFileName: "tld-backup-20271301T001500Z.manifest.json") == nil)
        #expect(BackupName(manifestFileName: "tld-backup-2027020XT001500Z.manifest.json") == nil)
        #expect(BackupName(manifestFileName: "other-20270207T021500Z.manifest.json") == nil)
        #expect(BackupName.manifestFileName(forBackupFile: "tld-backup-20270207T021500Z.sqlite.enc") == name.manifestFileName)
        #expect(BackupName.manifestFileName(forBackupFile: "lab.db") == nil)
    }
}
