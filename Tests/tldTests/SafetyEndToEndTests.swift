import Foundation
import TestSupport
import Testing

/// Issue 11 ("No silent loss"), findings 2 and 4–8, through the real `tld` binary. Each test fails on
/// the main branch of 2026-12-06 and passes with the fixes.
@Suite("tld refuses instead of losing data silently (issue 11)", .serialized)
struct SafetyEndToEndTests {
    static func sqlite3(_ path: String, _ sql: String, in dir: URL) async throws -> String {
        let r = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3")).run([path, sql], in: dir)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    // MARK: Finding 2: the national-ID key

    @Test("finding 2: an unreadable key file stops tld demo before anything is written, and is never replaced")
    func unreadableKeyNeverReplaced() async throws {
        let dir = try TemporaryDirectory("tld-key-bad")
        defer { dir.cleanup() }
        let key = dir.path("tld.sqlite.key")
        let garbage = Data([0xFF, 0xFE, 0xFD, 0x00, 0x01, 0x80, 0x81])
        try garbage.write(to: URL(fileURLWithPath: key))
        let r = try await ProductRunner(product: "tld").run(["demo", "--speed-ms", "0", "--out", dir.path("out")], in: dir.url)
        #expect(r.status == 66, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("national-ID key") && r.stderr.contains("cannot be used"), "stderr: \(r.stderr)")
        #expect(Self.bytes(key) == garbage)
        #expect(try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT count(*) FROM wearer", in: dir.url) == "0")
        #expect(try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT count(*) FROM customer", in: dir.url) == "0")
    }

    @Test("finding 2: with wearers stored, a missing key stops tld demo (no new key), a wrong key is refused; tld key backs up and rotates")
    func missingAndWrongKey() async throws {
        let dir = try TemporaryDirectory("tld-key-missing")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("tld.sqlite")
        let key = dir.path("tld.sqlite.key")
        let first = try await tld.run(["demo", "--speed-ms", "0", "--out", dir.path("out")], in: dir.url)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let wearers = try await Self.sqlite3(db, "SELECT count(*) FROM wearer", in: dir.url)
        #expect(Int(wearers) ?? 0 > 0)
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let original = try #require(Self.bytes(key))

        // The key moved away: refused, no new key file, nothing added.
        try FileManager.default.moveItem(atPath: key, toPath: dir.path("moved.key"))
        let missing = try await tld.run(["demo", "--speed-ms", "0", "--out", dir.path("out")], in: dir.url)
        #expect(missing.status == 66, "stderr: \(missing.stderr)")
        #expect(missing.stderr.contains("missing"), "stderr: \(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: key))
        #expect(try await Self.sqlite3(db, "SELECT count(*) FROM wearer", in: dir.url) == wearers)

        // Another lab's key: refused.
        let other = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let wrong = try await tld.run(["demo", "--speed-ms", "0", "--out", dir.path("out")], in: dir.url,
                                      environment: ["TLD_NATIONAL_ID_KEY": other])
        #expect(wrong.status == 65, "stderr: \(wrong.stderr)")
        #expect(wrong.stderr.contains("does not belong to this database"), "stderr: \(wrong.stderr)")
        #expect(try await Self.sqlite3(db, "SELECT count(*) FROM wearer", in: dir.url) == wearers)

        // Back in place: show-check, backup, rotate.
        try FileManager.default.moveItem(atPath: dir.path("moved.key"), toPath: key)
        let check = try await tld.run(["key", "show-check"], in: dir.url)
        #expect(check.status == 0 && check.stdout.contains("belongs to"), "\(check.stdout) \(check.stderr)")
        let backup = try await tld.run(["key", "backup", "--out", dir.path("backup.key")], in: dir.url)
        #expect(backup.status == 0, "stderr: \(backup.stderr)")
        #expect(Self.bytes(dir.path("backup.key")) == original)
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path("backup.key"))[.posixPermissions] as? Int == 0o600)
        let again = try await tld.run(["key", "backup", "--out", dir.path("backup.key")], in: dir.url)
        #expect(again.status == 73, "a backup is never written over: \(again.stderr)")

        let sealedBefore = try await Self.sqlite3(db, "SELECT group_concat(hex(nationalIDSealed)) FROM wearer", in: dir.url)
        let rotate = try await tld.run(["key", "rotate", "--new-key-file", dir.path("new.key")], in: dir.url)
        #expect(rotate.status == 0, "stderr: \(rotate.stderr)")
        #expect(try await Self.sqlite3(db, "SELECT group_concat(hex(nationalIDSealed)) FROM wearer", in: dir.url) != sealedBefore)
        #expect(try await Self.sqlite3(db, "SELECT count(*) FROM wearer", in: dir.url) == wearers)
        let oldKey = try await tld.run(["key", "show-check"], in: dir.url)
        #expect(oldKey.status == 65, "the old key no longer belongs: \(oldKey.stdout)")
        let newKey = try await tld.run(["key", "show-check", "--key-file", dir.path("new.key")], in: dir.url)
        #expect(newKey.status == 0, "stderr: \(newKey.stderr)")
        // The demo goes on with the new key and enrols nobody twice.
        let after = try await tld.run(["demo", "--speed-ms", "0", "--out", dir.path("out"), "--key-file", dir.path("new.key")], in: dir.url)
        #expect(after.status == 0, "stderr: \(after.stderr)")
        #expect(try await Self.sqlite3(db, "SELECT count(*) FROM wearer", in: dir.url) == wearers)
    }

    // MARK: Finding 6: a database that is not a lab database

    @Test("finding 6: another program's SQLite file is refused and left untouched; a new database gets the application ID")
    func foreignDatabase() async throws {
        let dir = try TemporaryDirectory("tld-foreign")
        defer { dir.cleanup() }
        let notes = dir.path("notes.sqlite")
        _ = try await Self.sqlite3(notes, "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO note (text) VALUES ('keep me');", in: dir.url)
        let before = try #require(Self.bytes(notes))
        let r = try await ProductRunner(product: "tld").run(["review", "--database", notes], in: dir.url)
        #expect(r.status == 65, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("is not a lab database") && r.stderr.contains("left untouched"), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("CREATE"), "no schema printed: \(r.stderr)")
        #expect(Self.bytes(notes) == before)
        #expect(try await Self.sqlite3(notes, "SELECT group_concat(name) FROM sqlite_master", in: dir.url) == "note")

        // A command that sets up a lab creates a new database with the application ID.
        let fresh = try await ProductRunner(product: "tld").run(["cards", "add", "--type", "whole-body", "--elements", "4", "10000016",
                                                                 "--database", dir.path("lab.sqlite")], in: dir.url)
        #expect(fresh.status == 0, "stderr: \(fresh.stderr)")
        #expect(try await Self.sqlite3(dir.path("lab.sqlite"), "PRAGMA application_id", in: dir.url) == "\(0x544C_444C)")
    }

    // MARK: Finding 4: one writer per database and per simulator state

    @Test("finding 4: a second readout on the same database and state file refuses with the holder; the first finishes untouched")
    func twoReadouts() async throws {
        let dir = try TemporaryDirectory("tld-two")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("tld.sqlite")
        let state = dir.path("sim.json")
        let args = ["readout", "--simulate", "--sim-state", state, "--format", "csv"]
        let first = Task { try await tld.run(args + ["--speed-ms", "15", "--database", db], in: dir.url) }
        // Wait until the first has stored a few elements.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let n = Int(try await Self.sqlite3(db, "SELECT count(*) FROM elementReading", in: dir.url)), n >= 4 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let second = try await tld.run(args + ["--speed-ms", "0", "--database", db], in: dir.url)
        #expect(second.status == 75, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("is in use by process") && second.stderr.contains("tld readout, started"), "stderr: \(second.stderr)")
        // Another database, the same simulator state file: refused too.
        let third = try await tld.run(args + ["--speed-ms", "0", "--database", dir.path("other.sqlite")], in: dir.url)
        #expect(third.status == 75, "stderr: \(third.stderr)")
        #expect(third.stderr.contains("sim.json is in use by process"), "stderr: \(third.stderr)")
        let done = try await first.value
        #expect(done.status == 0, "stderr: \(done.stderr)")
        let rows = try await Self.sqlite3(db, "SELECT count(*) || '/' || count(DISTINCT cardID || '-' || element) || '/' || sum(status = 'lost') FROM elementReading", in: dir.url)
        #expect(rows == "200/200/0", "every element once, none lost: \(rows)")
        #expect(try await Self.sqlite3(db, "SELECT count(*) FROM readoutBatch", in: dir.url) == "1")
    }

    // MARK: Finding 5: malformed national IDs at intake

    @Test("finding 5: malformed national IDs on a handover line are refused and never stored as a name")
    func handoverIDs() async throws {
        let dir = try TemporaryDirectory("tld-handover")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--speed-ms", "0", "--out", dir.path("out")], in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        let db = dir.path("tld.sqlite")
        // A card out with the demo customer now (reissued for the next period).
        let card = try await Self.sqlite3(db, "SELECT cardID FROM cardIssue WHERE customerID = 'K-1001' AND returnID IS NULL ORDER BY cardID LIMIT 1", in: dir.url)
        #expect(!card.isEmpty)
        let lines = [
            "handover \(card) 121299-1234", "handover \(card) Jens 010180-111", "handover \(card) Jens 121299\u{2013}1234",
            "handover \(card) Jens 320190-1234", "\u{1B}[2J\u{07}", "handover \(card) Dahl Dorte 090909-0909", card,
        ].joined(separator: "\n") + "\n"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: dir.path("input.txt")))
        let tldPath = tld.executable.path
        let r = try await ProductRunner(executable: URL(fileURLWithPath: "/bin/sh")).run(
            ["-c", "'\(tldPath)' intake --customer K-1001 --arrived 2026-12-06 < input.txt"], in: dir.url)
        #expect(r.status == 65, "refused lines: stderr: \(r.stderr)")
        #expect(r.stdout.components(separatedBy: "handover not noted").count - 1 == 3, "\(r.stdout)")
        #expect(r.stdout.contains("name before the national ID"), "\(r.stdout)")
        for id in ["121299-1234", "010180-111", "320190-1234"] { #expect(!r.stdout.contains(id), "echoed an ID: \(r.stdout)") }
        #expect(!r.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "raw control characters echoed")
        #expect(r.stdout.contains("\\u{1B}[2J\\u{7}"), "\(r.stdout)")
        let names = try await Self.sqlite3(db, "SELECT ifnull(group_concat(handedOverToName), '') FROM cardIssue", in: dir.url)
        #expect(!names.contains { $0.isNumber }, "an ID stored as a name: \(names)")
        // The valid handover line enrols the person, with the birth date their ID carries (like tld wearer add).
        #expect(try await Self.sqlite3(db, "SELECT birthDate FROM wearer WHERE name = 'Dahl Dorte'", in: dir.url) == "1909-09-09")
    }

    // MARK: Finding 7: the operator's messages tell the truth

    @Test("finding 7: a device that never answers fails fast with its own message and opens nothing")
    func silentDevice() async throws {
        let dir = try TemporaryDirectory("tld-ptmx")
        defer { dir.cleanup() }
        // A lab exists (a readout of a real reader without a manifest needs the lab's database).
        let setUp = try await ProductRunner(product: "tld").run(["cards", "add", "--type", "whole-body", "--elements", "4", "10000016"], in: dir.url)
        try #require(setUp.status == 0, "stderr: \(setUp.stderr)")
        let started = ContinuousClock.now
        let r = try await ProductRunner(product: "tld").run(["readout", "--device", "/dev/ptmx"], in: dir.url, killAfter: .seconds(40))
        #expect(r.signal == nil, "still waiting after 40 s")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(r.status == 69, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("does not answer as a TL reader"), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("stays open") && !r.stderr.contains("resume"), "stderr: \(r.stderr)")
        #expect(try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT count(*) FROM readoutBatch", in: dir.url) == "0")
    }

    @Test("finding 7: after a reconnect the summary counts the whole run and the batch has one reader-QC row")
    func wholeRunSummary() async throws {
        let dir = try TemporaryDirectory("tld-summary")
        defer { dir.cleanup() }
        let link = dir.path("reader")
        let sim = try await ReconnectReadoutTests.startSimulator(scenario: ReconnectReadoutTests.scenario(unplugMilliseconds: 800), link: link, in: dir)
        defer { sim.terminate() }
        let r = try await ProductRunner(product: "tld").run(
            ["readout", "--device", link, "--manifest", try ReconnectReadoutTests.manifest(in: dir), "--reconnect-timeout", "20"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("is back: resumed"), "stderr: \(r.stderr)")
        #expect(r.stderr.contains("6 cards read in this run, 24 elements stored, 0 lost"), "stderr: \(r.stderr)")
        #expect(try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT count(*) FROM readerQC", in: dir.url) == "1")
    }

    @Test("finding 7: a heater fault is reported without the stale power-on reset")
    func heaterFaultReason() async throws {
        let dir = try TemporaryDirectory("tld-heater")
        defer { dir.cleanup() }
        let scenario = """
            {"format": 1, "seed": 7, "reader": {"model": "TLR-6600S", "serial": "TL00077", "firmware": "1.4.2"},
             "elementMilliseconds": 0, "storageCelsius": 20, "backgroundNanoSievertPerHour": 80,
             "cards": [{"id": "10000016", "role": "worker", "hp10MilliSievert": 1, "hp007MilliSievert": 1, "quality": "S-Cs", "daysSinceAnneal": 30}],
             "faults": [{"kind": "heaterFault", "at": {"card": "10000016", "element": 2}, "fraction": 0.4}]}
            """
        try Data(scenario.utf8).write(to: URL(fileURLWithPath: dir.path("heater.json")))
        let r = try await ProductRunner(product: "tld").run(["readout", "--simulate", "--scenario", dir.path("heater.json")], in: dir.url)
        #expect(r.status != 0)
        #expect(r.stderr.contains("heater fault"), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("power-on reset"), "stderr: \(r.stderr)")
        let reason = try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT lostReason FROM elementReading WHERE status = 'lost'", in: dir.url)
        #expect(reason.contains("heater fault") && !reason.contains("power-on reset"), "\(reason)")
    }

    // MARK: Finding 8: manifests validated before a batch opens

    @Test("finding 8: a manifest with an invalid value is refused before the batch opens, without CHECK text or a resume hint")
    func badManifest() async throws {
        let dir = try TemporaryDirectory("tld-manifest")
        defer { dir.cleanup() }
        let (sim, device) = try await DeviceReadoutTests.startSimulator(state: dir.path("sim-state.json"), in: dir.url)
        defer { sim.terminate() }
        let manifest = #"[{"cardID": "90000019", "role": "calibration", "annealedAt": "2026-11-20T00:00:00Z", "deliveredHp10MilliSievert": 0, "deliveredHp007MilliSievert": 2}]"#
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: dir.path("manifest.json")))
        let r = try await ProductRunner(product: "tld").run(["readout", "--device", device, "--manifest", dir.path("manifest.json")], in: dir.url)
        #expect(r.status == 65, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("entry 1") && r.stderr.contains("deliveredHp10MilliSievert"), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("CHECK") && !r.stderr.contains("run the same command again"), "stderr: \(r.stderr)")
        #expect(try await Self.sqlite3(dir.path("tld.sqlite"), "SELECT count(*) FROM readoutBatch", in: dir.url) == "0")
    }
}
