import Foundation
import Testing
@testable import TLSimulator

/// Issue 11, finding 8: a scenario is validated fully — a card with no element, an empty or over-long
/// reader serial are refused when the scenario is loaded, not met later by the reader or the lab.
@Suite("Scenario validation edges")
struct ScenarioEdgeTests {
    static let card = #"{"id":"10000016","role":"worker","hp10MilliSievert":1,"hp007MilliSievert":1,"quality":"S-Cs","daysSinceAnneal":3}"#

    static func scenario(serial: String = "TL00042", model: String = "TLR-6600S", card: String = card) -> String {
        #"{"format":1,"seed":1,"reader":{"model":"\#(model)","serial":"\#(serial)","firmware":"1.4.2"},"storageCelsius":20,"backgroundNanoSievertPerHour":0,"cards":[\#(card)]}"#
    }

    static func load(_ json: String) -> String {
        do { _ = try Scenario(json: Data(json.utf8)); return "accepted" } catch { return error.description }
    }

    @Test("the reference scenario is accepted")
    func accepted() {
        #expect(Self.load(Self.scenario()) == "accepted")
        #expect(Self.load(Self.scenario(card: Self.card.replacingOccurrences(of: "}", with: #","elements":[1,3]}"#))) == "accepted")
    }

    @Test("a card with elements: [] is refused")
    func noElements() {
        let text = Self.load(Self.scenario(card: Self.card.replacingOccurrences(of: "}", with: #","elements":[]}"#)))
        #expect(text.contains("elements"), "\(text)")
    }

    @Test("an empty, a 200-character, a spaced or a control-character reader serial is refused",
          arguments: ["", String(repeating: "S", count: 200), "TL 42", "TL\\u001b42"])
    func badSerial(serial: String) {
        let text = Self.load(Self.scenario(serial: serial))
        #expect(text.contains("reader.serial"), "\(text)")
    }

    @Test("an empty or a 65-byte model is refused")
    func badModel() {
        #expect(Self.load(Self.scenario(model: "")).contains("reader.model"))
        #expect(Self.load(Self.scenario(model: String(repeating: "M", count: 65))).contains("reader.model"))
    }
}
