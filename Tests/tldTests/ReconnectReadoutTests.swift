import Foundation
import TestSupport
import Testing

/// `tld readout --device LINK` while the reader's cable is pulled mid-batch: tl-reader-sim (its own
/// process) hangs up its pseudo-terminal on an `unplug` fault and comes back on a new one behind the
/// same link; tld waits, reopens the link and resumes the batch.
@Suite("tld readout survives an unplugged reader", .serialized)
struct ReconnectReadoutTests {
    static let cards = ["30000012", "30000020", "30000038", "30000046", "30000053", "30000061"]

    /// Six cards; the cable is pulled while element 3 of the fourth card is being fetched, and a few
    /// replies are damaged, duplicated or dropped on the way.
    static func scenario(unplugMilliseconds: Int) -> String {
        let cards = Self.cards.enumerated().map { i, id in
            #"{"id": "\#(id)", "role": "\#(i == 0 ? "calibration" : "worker")", "hp10MilliSievert": \#(i == 0 ? 2.0 : 0.5 * Double(i)), "hp007MilliSievert": \#(i == 0 ? 2.0 : 0.5 * Double(i)), "quality": "S-Cs", "daysSinceAnneal": \#(i == 0 ? 2 : 30)}"#
        }.joined(separator: ",\n")
        return """
            {"format": 1, "seed": 99, "reader": {"model": "TLR-6600S", "serial": "TL00042", "firmware": "1.4.2"},
             "elementMilliseconds": 5, "storageCelsius": 20, "backgroundNanoSievertPerHour": 80,
             "cards": [\(cards)],
             "faults": [
               {"kind": "corruptReply", "at": {"card": "30000020", "request": "getChunk"}},
               {"kind": "duplicateReply", "at": {"card": "30000038", "request": "status"}},
               {"kind": "unplug", "at": {"card": "30000046", "element": 3, "request": "getChunk"}, "ms": \(unplugMilliseconds)}
             ]}
            """
    }

    /// The lab's manifest of the six cards (the first is the calibration dosimeter); returns its path.
    static func manifest(in dir: TemporaryDirectory) throws -> String {
        let iso = ISO8601DateFormatter()
        let entries: [[String: Any]] = Self.cards.enumerated().map { i, id in
            var e: [String: Any] = ["cardID": id, "role": i == 0 ? "calibration" : "worker",
                                    "annealedAt": iso.string(from: Date().addingTimeInterval(-Double(i == 0 ? 2 : 30) * 86_400))]
            if i == 0 {
                e["deliveredHp10MilliSievert"] = 2.0
                e["deliveredHp007MilliSievert"] = 2.0
                e["referenceField"] = "S-Cs"
            }
            return e
        }
        let path = dir.path("manifest.json")
        try JSONSerialization.data(withJSONObject: entries).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Starts tl-reader-sim with a link to its pty; returns the process once the link exists.
    static func startSimulator(scenario: String, link: String, in dir: TemporaryDirectory) async throws -> Process {
        let path = dir.path("scenario.json")
        try Data(scenario.utf8).write(to: URL(fileURLWithPath: path))
        let p = Process()
        p.executableURL = try ProductRunner(product: "tl-reader-sim").executable
        p.arguments = ["--scenario", path, "--state", dir.path("sim-state.json"), "--link", link]
        p.currentDirectoryURL = dir.url
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return p
    }

    @Test("the batch resumes after the re-plug with every reading stored once")
    func resumesAfterReplug() async throws {
        let dir = try TemporaryDirectory("tld-replug")
        defer { dir.cleanup() }
        let link = dir.path("reader")
        let sim = try await Self.startSimulator(scenario: Self.scenario(unplugMilliseconds: 800), link: link, in: dir)
        defer { sim.terminate() }
        let r = try await ProductRunner(product: "tld").run(
            ["readout", "--device", link, "--manifest", try Self.manifest(in: dir), "--reconnect-timeout", "20", "--format", "csv"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("reader TL00042 disconnected"), "stderr: \(r.stderr)")
        #expect(r.stderr.contains("waiting for it to come back"))
        #expect(r.stderr.contains("reader TL00042 is back: resumed"))
        #expect(!r.stderr.contains("Resumed batch"), "one run of a new batch: \(r.stderr)")
        let rows = try await SQLiteQuery.lines(dir.path("tld.sqlite"), "SELECT cardID || '/' || element || '/' || status FROM elementReading ORDER BY id")
        let keys = rows.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }
        #expect(keys.count == 24 && Set(keys).count == 24, "\(rows)")
        // The reader kept running while unplugged: the curve in flight stayed buffered and was fetched again.
        #expect(rows.allSatisfy { $0.hasSuffix("/stored") }, "\(rows)")
        #expect(ReadoutEndToEndTests.parse(r.stdout).count == 6)
    }

    @Test("--reconnect-timeout 0 stops at once; the same command resumes the batch later")
    func stopsAtOnceThenResumes() async throws {
        let dir = try TemporaryDirectory("tld-replug0")
        defer { dir.cleanup() }
        let link = dir.path("reader")
        let sim = try await Self.startSimulator(scenario: Self.scenario(unplugMilliseconds: 500), link: link, in: dir)
        defer { sim.terminate() }
        let tld = try ProductRunner(product: "tld")
        let first = try await tld.run(["readout", "--device", link, "--manifest", try Self.manifest(in: dir), "--reconnect-timeout", "0"], in: dir.url)
        #expect(first.status != 0)
        #expect(first.stderr.contains("run the same command again to resume"), "stderr: \(first.stderr)")
        let before = try await SQLiteQuery.lines(dir.path("tld.sqlite"), "SELECT cardID || '/' || element || '/' || status FROM elementReading ORDER BY id")
        #expect(before.count >= 12, "three cards stored before the unplug: \(before)")
        try await Task.sleep(for: .milliseconds(700))
        let second = try await tld.run(["readout", "--device", link, "--manifest", try Self.manifest(in: dir), "--format", "csv"], in: dir.url)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stderr.contains("Resumed batch"))
        let after = try await SQLiteQuery.lines(dir.path("tld.sqlite"), "SELECT cardID || '/' || element || '/' || status FROM elementReading ORDER BY id")
        #expect(Array(after.prefix(before.count)) == before)
        #expect(after.count == 24 && Set(after).count == 24)
    }
}
