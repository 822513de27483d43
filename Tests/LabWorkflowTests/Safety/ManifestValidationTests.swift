import Foundation
import LabStore
import TestSupport
import Testing
@testable import LabWorkflow

/// Issue 11, finding 8: a manifest with an invalid value is refused before any batch is opened, with
/// a message that names the entry and the field (not the database's CHECK text).
@Suite("Batch manifest validation")
struct ManifestValidationTests {
    static func write(_ json: String, in dir: TemporaryDirectory) throws -> String {
        let path = dir.path("manifest-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("bad values are refused by entry and field", arguments: [
        (#"[{"cardID": "90000019", "role": "calibration"}]"#, "calibration card needs"),
        (#"[{"cardID": "90000019", "role": "calibration", "deliveredHp10MilliSievert": -2, "deliveredHp007MilliSievert": 2}]"#, "deliveredHp10MilliSievert must be"),
        (#"[{"cardID": "", "role": "worker"}]"#, "card ID must be"),
        (#"[{"cardID": "10000016", "role": "worker"}, {"cardID": "10000016", "role": "worker"}]"#, "entry 2"),
        (#"[{"cardID": "10000016", "role": "visitor"}]"#, "entry 1"),
        (#"[{"cardID": "10000016", "role": "worker", "annealedAt": "yesterday"}]"#, "entry 1"),
        (#"{"cards": []}"#, "wrong type"),
    ])
    func refused(json: String, expected: String) throws {
        let dir = try TemporaryDirectory("manifest")
        defer { dir.cleanup() }
        let path = try Self.write(json, in: dir)
        #expect {
            _ = try ManifestFile.load(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains(expected) && !text.contains("CHECK") && !text.contains("run the same command")
        }
    }

    @Test("a good manifest loads")
    func good() throws {
        let dir = try TemporaryDirectory("manifest")
        defer { dir.cleanup() }
        let path = try Self.write(#"[{"cardID": "90000019", "role": "calibration", "annealedAt": "2026-11-20T00:00:00Z", "deliveredHp10MilliSievert": 2.0, "deliveredHp007MilliSievert": 2.0, "referenceField": "S-Cs"}, {"cardID": "10000016", "role": "worker"}]"#, in: dir)
        #expect(try ManifestFile.load(path: path).count == 2)
    }
}
