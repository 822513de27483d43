import Foundation
import TestSupport
import Testing

/// `tld readout --device PATH` against the stand-alone reader simulator (`tl-reader-sim`) serving a
/// pseudo-terminal in another process: the same path a real USB-serial reader takes.
@Suite("tld readout --device, against tl-reader-sim in its own process", .serialized)
struct DeviceReadoutTests {
    /// Starts tl-reader-sim and returns the process and the device path it printed.
    static func startSimulator(state: String, in dir: URL) async throws -> (Process, String) {
        let sim = try ProductRunner(product: "tl-reader-sim")
        let p = Process()
        p.executableURL = sim.executable
        p.arguments = ["--scenario", "builtin", "--state", state, "--speed-ms", "0"]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Read the "device: /dev/pts/N" line without blocking a cooperative thread for long.
        let handle = out.fileHandleForReading
        var text = ""
        let deadline = ContinuousClock.now + .seconds(20)
        while !text.contains("\n") && ContinuousClock.now < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { try await Task.sleep(for: .milliseconds(20)); continue }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("device: ") }, "simulator printed: \(text)")
        return (p, String(line.dropFirst("device: ".count)))
    }

    @Test("a real-device readout with a manifest file gives the scenario's doses")
    func deviceReadout() async throws {
        let dir = try TemporaryDirectory("tld-device")
        defer { dir.cleanup() }
        let (sim, device) = try await Self.startSimulator(state: dir.path("sim-state.json"), in: dir.url)
        defer { sim.terminate() }

        // The lab's manifest for this shipment: roles, anneal dates, calibration doses (no worker truth).
        let truth = try ReadoutEndToEndTests.truth()
        struct Days: Decodable { let cards: [C]; struct C: Decodable { let id: String; let daysSinceAnneal: Double } }
        let days = Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(
            Days.self, from: Data(contentsOf: RepoPaths.file("simulators/TLSimulator/Resources/builtin-shipment.json"))
        ).cards.map { ($0.id, $0.daysSinceAnneal) })
        let iso = ISO8601DateFormatter()
        let manifest: [[String: Any]] = truth.values.map { card in
            var entry: [String: Any] = [
                "cardID": card.id, "role": card.role,
                "annealedAt": iso.string(from: Date().addingTimeInterval(-(days[card.id] ?? 0) * 86_400)),
            ]
            if card.role == "calibration" {
                entry["deliveredHp10MilliSievert"] = card.hp10MilliSievert
                entry["deliveredHp007MilliSievert"] = card.hp007MilliSievert
                entry["referenceField"] = "S-Cs"
            }
            return entry
        }
        let manifestPath = dir.path("manifest.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: manifestPath))

        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["readout", "--device", device, "--manifest", manifestPath, "--format", "csv"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let rows = ReadoutEndToEndTests.parse(r.stdout)
        #expect(rows.count == truth.count)
        for card in truth.values where card.role == "worker" && card.hp10MilliSievert >= 0.5 {
            let measured = try #require(Double(rows[card.id]?["hp10_msv"] ?? ""), "card \(card.id)")
            #expect(abs(measured / card.hp10MilliSievert - 1) <= 0.10, "card \(card.id): \(measured) vs \(card.hp10MilliSievert)")
        }
    }

    @Test("a device that does not exist gives a clear error and a non-zero exit")
    func missingDevice() async throws {
        let dir = try TemporaryDirectory("tld-nodev")
        defer { dir.cleanup() }
        // A lab with a database (without one, readout --device refuses with exit 66 first).
        let setUp = try await ProductRunner(product: "tld").run(["cards", "add", "--type", "whole-body", "--elements", "4", "10000016"], in: dir.url)
        #expect(setUp.status == 0, "stderr: \(setUp.stderr)")
        let r = try await ProductRunner(product: "tld").run(["readout", "--device", "/dev/tl-lab/no-such-reader"], in: dir.url)
        #expect(r.status == 69, "EX_UNAVAILABLE")
        #expect(r.stderr.contains("/dev/tl-lab/no-such-reader"), "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test("a bad scenario file is refused with its path and reason")
    func badScenario() async throws {
        let dir = try TemporaryDirectory("tld-badscenario")
        defer { dir.cleanup() }
        let path = dir.path("broken.json")
        try Data(#"{"format": 1, "cards": [{"id": "12345678"}]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let r = try await ProductRunner(product: "tld").run(["readout", "--simulate", "--scenario", path], in: dir.url)
        #expect(r.status != 0)
        #expect(r.stderr.contains("broken.json"), "stderr: \(r.stderr)")
    }
}
