import Foundation
import LabStore
import LabStoreSQLite
import TestSupport
import Testing

/// Issue 18's restore drill on the real `tld`: a lab filled by `tld demo`, backed up (encrypted) while a
/// readout is writing, backed up again after it, the original destroyed, both backups restored and
/// verified; every raw curve, dose version, audit entry and charge identical to the lost lab; the
/// restored lab runs the next dispatch.
@Suite("Restore drill: back up during a readout, lose the lab, restore, verify, dispatch", .serialized)
struct RestoreDrillTests {
    static func count(_ db: String, _ table: String) async throws -> Int {
        Int(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM \(table)").first ?? "") ?? -1
    }

    @Test("the drill")
    func drill() async throws {
        let dir = try TemporaryDirectory("tld-drill")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let demo = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        try #require(demo.status == 0, "demo: \(demo.stderr)")
        let before = try await Self.count(db, "elementReading")
        try "a passphrase for the drill\n".write(toFile: dir.path("passphrase"), atomically: true, encoding: .utf8)

        // A readout of the simulated reader's built-in shipment writes curve after curve ...
        async let readout = tld.run(["readout", "--simulate", "--speed-ms", "15", "--group-id", "DRILL", "--format", "csv",
                                     "--database", "lab.sqlite"], in: dir.url)
        var seen = before
        for _ in 0..<2_000 where seen < before + 24 {
            try await Task.sleep(for: .milliseconds(20))
            seen = try await Self.count(db, "elementReading")
        }
        // ... while the backup copies the database.
        let during = try await tld.run(["backup", "--out", "backups", "--encrypt", "--passphrase-file", "passphrase",
                                        "--database", "lab.sqlite"], in: dir.url)
        let read = try await readout
        try #require(during.status == 0, "backup: \(during.stderr)")
        try #require(read.status == 0, "readout: \(read.stderr)")
        #expect(during.stdout.contains("(encrypted)") && during.stdout.contains("is not in the backup"), "\(during.stdout)")
        let live = try BackupContent.read(databaseAt: db)
        let duringManifestName = try #require(try FileManager.default.contentsOfDirectory(atPath: dir.path("backups")).first { $0.hasSuffix(".manifest.json") })
        let duringManifest = try BackupManifest.read(path: dir.path("backups/\(duringManifestName)"))
        // Taken mid-readout: more curves than before it, fewer than after; each one as the lab has it.
        let liveCurves = Dictionary(uniqueKeysWithValues: live.curves.map { ($0.id, $0.sha256) })
        #expect(duringManifest.content.curves.count > before && duringManifest.content.curves.count < live.curves.count,
                "\(before) < \(duringManifest.content.curves.count) < \(live.curves.count)")
        #expect(duringManifest.content.curves.allSatisfy { liveCurves[$0.id] == $0.sha256 })

        // The nightly backup after the readout, and the key copied apart.
        try await Task.sleep(for: .milliseconds(1_100))  // backup names carry the second: a new one
        let after = try await tld.run(["backup", "--out", "backups", "--database", "lab.sqlite"], in: dir.url)
        try #require(after.status == 0, "backup: \(after.stderr)")
        let key = try await tld.run(["key", "backup", "--out", "key-copy", "--database", "lab.sqlite"], in: dir.url)
        try #require(key.status == 0, "key backup: \(key.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path("backups")).sorted()
        #expect(names.count == 4, "\(names)")
        let plain = try #require(names.first { $0.hasSuffix(".sqlite") })
        let encrypted = try #require(names.first { $0.hasSuffix(".sqlite.enc") })
        let afterManifest = try #require(BackupName.manifestFileName(forBackupFile: plain))

        // The disk dies.
        for name in ["lab.sqlite", "lab.sqlite-wal", "lab.sqlite-shm", "lab.sqlite.key"] {
            try? FileManager.default.removeItem(atPath: dir.path(name))
        }

        // The mid-readout backup: restored with its passphrase, identical to its manifest.
        let mid = try await tld.run(["restore", "backups/\(encrypted)", "--database", "mid/lab.sqlite"], in: dir.url,
                                    environment: ["TLD_BACKUP_PASSPHRASE": "a passphrase for the drill"])
        #expect(mid.status == 0, "restore: \(mid.stderr)")
        let midVerify = try await tld.run(["verify", "backups/\(duringManifestName)", "--database", "mid/lab.sqlite"], in: dir.url)
        #expect(midVerify.status == 0, "verify: \(midVerify.stderr)")

        // The last backup: every curve, dose version, audit entry and charge as the lost lab had them.
        let restore = try await tld.run(["restore", "backups/\(plain)", "--database", "restored/lab.sqlite"], in: dir.url)
        try #require(restore.status == 0, "restore: \(restore.stderr)")
        #expect(restore.stdout.contains("National-ID key needed"), "\(restore.stdout)")
        let verify = try await tld.run(["verify", "backups/\(afterManifest)", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(verify.status == 0, "verify: \(verify.stderr)")
        let restored = try BackupContent.read(databaseAt: dir.path("restored/lab.sqlite"))
        #expect(restored.curves == live.curves && restored.doses == live.doses)
        for table in ["elementReading", "doseResult", "doseAudit", "charge", "cardIssue", "wearer"] {
            let lost = try #require(live.tables.first { $0.name == table })
            #expect(lost.rows > 0, "\(table) is empty: the drill proves nothing for it")
            #expect(restored.tables.first { $0.name == table } == lost, "\(table)")
        }
        #expect(restored == live)

        // verify tells a database that differs from the manifest: exit 65, one line per difference.
        let differs = try await tld.run(["verify", "backups/\(duringManifestName)", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(differs.status == 65)
        #expect(differs.stderr.contains("in the database, not in the manifest") && differs.stderr.contains("table elementReading:"), "\(differs.stderr)")
        // restore never overwrites.
        let again = try await tld.run(["restore", "backups/\(plain)", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(again.status == 73 && again.stderr.contains("exists"), "\(again.stderr)")

        // The key back in place, the restored lab runs the next dispatch.
        try FileManager.default.copyItem(atPath: dir.path("key-copy"), toPath: dir.path("restored/lab.sqlite.key"))
        let check = try await tld.run(["key", "show-check", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(check.status == 0 && check.stdout.contains("The key belongs to"), "\(check.stdout) \(check.stderr)")
        let dispatch = try await tld.run(["dispatch", "--on", "2027-03-08", "--out", "next", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(dispatch.status == 0, "dispatch: \(dispatch.stderr)")
        let documents = (try? FileManager.default.subpathsOfDirectory(atPath: dir.path("next"))) ?? []
        #expect(documents.contains { $0.contains("packing-slip") && $0.hasSuffix(".pdf") }, "\(documents) \(dispatch.stdout)")

        // The restored lab's own nightly backup with retention: the older backups of the day go, with
        // their manifests; the key copy and other files stay.
        try await Task.sleep(for: .milliseconds(1_100))
        let nightly = try await tld.run(["backup", "--out", "backups", "--keep-daily", "1", "--database", "restored/lab.sqlite"], in: dir.url)
        #expect(nightly.status == 0, "\(nightly.stderr)")
        #expect(nightly.stdout.components(separatedBy: "Removed backups/").count - 1 == 4, "\(nightly.stdout)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: dir.path("backups"))
        #expect(kept.count == 2 && !kept.contains(plain) && !kept.contains(encrypted), "\(kept)")
    }
}
