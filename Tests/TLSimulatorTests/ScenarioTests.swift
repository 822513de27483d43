import Foundation
import TestSupport
import Testing
@testable import TLSimulator

@Suite("Scenarios and card IDs")
struct ScenarioTests {
    @Test("Luhn check digits (ISO/IEC 7812-1)", arguments: [("7992739871", "3"), ("1000001", "6"), ("9000001", "9"), ("8000001", "1")])
    func luhn(body: String, digit: String) {
        #expect(String(CardID.luhnCheckDigit(body)) == digit)
    }

    @Test("card IDs: 8 digits with a valid check digit", arguments: ["10000016", "90000019", "80000011"])
    func validIDs(id: String) throws {
        #expect(try CardID(id).digits == id)
    }

    @Test("invalid card IDs are refused with a reason", arguments: ["10000017", "1000001", "100000166", "1000001A", ""])
    func invalidIDs(id: String) {
        #expect(throws: ScenarioError.self) { try CardID(id) }
    }

    @Test("the built-in shipment: 50 cards, 43 workers, 5 calibration at 2 mSv S-Cs 16 days, 2 controls")
    func builtin() throws {
        let s = try Scenario.builtin()
        #expect(s.cards.count == 50)
        let workers = s.cards.filter { $0.role == .worker }
        let calibration = s.cards.filter { $0.role == .calibration }
        #expect(workers.count == 43 && calibration.count == 5 && s.cards.filter { $0.role == .control }.count == 2)
        #expect(calibration.allSatisfy { $0.hp10MilliSievert == 2 && $0.quality == "S-Cs" && $0.daysSinceAnneal == 16 })
        #expect(workers.contains { $0.hp10MilliSievert == 0 })
        #expect(workers.filter { $0.hp10MilliSievert > 0 && $0.hp10MilliSievert < 0.5 }.count >= 5)
        #expect(workers.allSatisfy { $0.hp10MilliSievert <= 20 && (30...95).contains($0.daysSinceAnneal) })
        #expect(Set(workers.map(\.quality)) == ["S-Cs", "S-Co"])
        #expect(s.seed == 20_261_123 && s.reader.serial == "TL00042")
    }

    @Test("scenario errors name the problem")
    func errors() {
        func load(_ json: String) -> String {
            do { _ = try Scenario(json: Data(json.utf8)); return "accepted" } catch { return error.description }
        }
        let head = #"{"format":1,"seed":1,"reader":{"model":"m","serial":"s","firmware":"f"},"storageCelsius":20,"backgroundNanoSievertPerHour":0,"cards":["#
        let card = #"{"id":"10000016","role":"worker","hp10MilliSievert":1,"hp007MilliSievert":1,"quality":"S-Cs","daysSinceAnneal":3}"#
        #expect(load(head + card + "]}") == "accepted")
        #expect(load(head + card.replacingOccurrences(of: "S-Cs", with: "N-999") + "]}").contains("'N-999' is not supported"))
        #expect(load(head + card.replacingOccurrences(of: "S-Cs", with: "N-60") + "]}") == "accepted")
        #expect(load(head + card.replacingOccurrences(of: "10000016", with: "10000017") + "]}").contains("Luhn check digit should be 6"))
        #expect(load(head + card + "," + card + "]}").contains("appears twice"))
        #expect(load(head + card.replacingOccurrences(of: "\"worker\"", with: "\"visitor\"") + "]}").contains("role"))
        #expect(load(head.replacingOccurrences(of: "\"format\":1", with: "\"format\":2") + card + "]}").contains("format 2"))
        #expect(load(head + card.replacingOccurrences(of: "\"hp10MilliSievert\":1", with: "\"hp10MilliSievert\":-1") + "]}").contains("hp10MilliSievert"))
    }
}

@Suite("Scenario files")
struct ScenarioFileTests {
    @Test("load(path:) reads a file; a missing file names its path; absent elementMilliseconds means real time")
    func loadPath() throws {
        let dir = try TemporaryDirectory("tlsim")
        defer { dir.cleanup() }
        let path = dir.path("s.json")
        let json = #"{"format":1,"seed":3,"reader":{"model":"m","serial":"s","firmware":"f"},"storageCelsius":25,"backgroundNanoSievertPerHour":100,"cards":[{"id":"10000024","role":"control","hp10MilliSievert":0,"hp007MilliSievert":0,"quality":"S-Co","daysSinceAnneal":10,"elements":[2]}]}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let s = try Scenario.load(path: path)
        #expect(s.elementMilliseconds == nil && s.cards[0].presentElements == [2] && s.storageCelsius == 25)
        var host = Host(try ReaderEngine(scenario: s))
        try host.hello()
        guard case .started(.loadNext) = try host.send(.loadNext) else { Issue.record("load"); return }
        host.wait(milliseconds: 2000)
        #expect(try host.status().elementStates == [.absent, .notRead, .absent, .absent])
        guard case let .readStarted(r) = try host.send(.readElement(2)) else { Issue.record("read"); return }
        #expect(r.expectedMilliseconds == 26_670)
        do {
            _ = try Scenario.load(path: dir.path("missing.json"))
            Issue.record("missing file accepted")
        } catch {
            #expect(error.description.contains("missing.json"))
        }
    }
}

@Suite("Random numbers")
struct RandomTests {
    @Test("Poisson sampler: mean and variance match for small, medium and large means", arguments: [0.3, 4.0, 9.99, 10.0, 37.0, 5000.0, 2e6])
    func poisson(mean: Double) {
        var g = SplitMix64(seed: 99)
        let n = 20_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let x = Double(g.nextPoisson(mean: mean))
            sum += x
            sumSq += x * x
        }
        let m = sum / Double(n)
        let v = sumSq / Double(n) - m * m
        #expect(abs(m - mean) < 5 * (mean / Double(n)).squareRoot(), "mean \(m)")
        #expect(abs(v / mean - 1) < 0.06, "variance \(v)")
    }

    @Test("small-mean Poisson probabilities are exact: P(0) for mean 2 is e⁻²")
    func poissonZero() {
        var g = SplitMix64(seed: 3)
        let n = 100_000
        let zeros = (0..<n).filter { _ in g.nextPoisson(mean: 2) == 0 }.count
        #expect(abs(Double(zeros) / Double(n) - exp(-2)) < 0.005)
    }

    @Test("SplitMix64 reference output for seed 1234567")
    func splitmix() {
        // First outputs of Vigna's splitmix64.c with x = 1234567.
        var g = SplitMix64(seed: 1_234_567)
        #expect(g.next() == 6_457_827_717_110_365_317)
        #expect(g.next() == 3_203_168_211_198_807_973)
    }
}
