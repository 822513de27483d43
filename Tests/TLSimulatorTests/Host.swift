import ReaderProtocol
import Testing
@testable import TLSimulator

/// A minimal host for driving a `ReaderEngine` in memory: numbers requests, encodes them for the
/// wire, decodes the reply bytes and keeps the simulated clock.
struct Host {
    var engine: ReaderEngine
    var sequence: UInt8 = 0
    var now = SimulatedInstant.zero

    init(_ engine: ReaderEngine) { self.engine = engine }

    /// Sends one request and returns the raw reply bytes.
    mutating func sendRaw(_ request: Request) -> [UInt8] {
        let wire = request.frame(sequence: sequence).encodeForWire()
        sequence &+= 1
        return engine.receive(wire, now: now)
    }

    /// Sends one request and decodes its single reply.
    mutating func send(_ request: Request, sourceLocation: SourceLocation = #_sourceLocation) throws -> Reply {
        let seq = sequence
        let frames = try Self.frames(sendRaw(request))
        try #require(frames.count == 1, "expected one reply frame", sourceLocation: sourceLocation)
        #expect(frames[0].sequence == seq, "reply carries the request's seq", sourceLocation: sourceLocation)
        return try Reply(frame: frames[0])
    }

    static func frames(_ bytes: [UInt8]) throws -> [Frame] {
        var decoder = FrameDecoder()
        return try decoder.feed(bytes).map { event in
            guard case let .frame(f) = event else { throw HostError.damagedReply("\(event)") }
            return f
        }
    }

    mutating func wait(milliseconds: Double) {
        now = now.advanced(byMilliseconds: milliseconds)
        engine.advance(to: now)
    }

    mutating func status() throws -> ReaderStatus {
        guard case let .status(s) = try send(.status) else { throw HostError.unexpected("STATUS") }
        return s
    }

    mutating func hello() throws {
        guard case .hello(1, 1) = try send(.hello(minVersion: 1, maxVersion: 1)) else { throw HostError.unexpected("HELLO") }
    }

    /// LOAD_NEXT then polls STATUS until the card is loaded.
    mutating func loadNext() throws -> ReaderStatus {
        guard case .started(.loadNext) = try send(.loadNext) else { throw HostError.unexpected("LOAD_NEXT") }
        for _ in 0..<10_000 {
            let s = try status()
            if s.state == .cardLoaded { return s }
            wait(milliseconds: 5)
        }
        throw HostError.timeout("load")
    }

    /// READ_ELEMENT, streams chunks while heating (polling every 5 ms), checks the CRC and returns the curve.
    mutating func readElement(_ e: UInt8, reread: Bool = false, chunk: UInt8 = 64) throws -> (curve: [CurveChannel], info: CurveInfo, sawNotYetAvailable: Bool) {
        guard case let .readStarted(started) = try send(.readElement(e, reread: reread)) else { throw HostError.unexpected("READ_ELEMENT") }
        var curve: [CurveChannel] = []
        var notYet = false
        var polls = 0
        while curve.count < Int(started.channels) {
            polls += 1
            if polls > 100_000 { throw HostError.timeout("chunks") }
            switch try send(.getChunk(element: e, firstChannel: UInt16(curve.count), maxChannels: chunk)) {
            case let .chunk(c):
                #expect(Int(c.firstChannel) == curve.count)
                curve += c.channels
            case .error(.notYetAvailable, _):
                notYet = true
                wait(milliseconds: 5)
            case let other:
                throw HostError.unexpected("GET_CHUNK: \(other)")
            }
        }
        var info: CurveInfo?
        for _ in 0..<10_000 {
            guard case let .curveInfo(i) = try send(.getCurveInfo(element: e)) else { throw HostError.unexpected("GET_CURVE_INFO") }
            if i.state == .buffered { info = i; break }
            wait(milliseconds: 1)
        }
        guard let info else { throw HostError.timeout("buffered") }
        return (curve, info, notYet)
    }

    mutating func release(_ e: UInt8) throws {
        guard case .released(e, .released) = try send(.releaseElement(e)) else { throw HostError.unexpected("RELEASE") }
    }

    mutating func eject() throws {
        guard case .started(.eject) = try send(.eject) else { throw HostError.unexpected("EJECT") }
        for _ in 0..<10_000 {
            if try status().state == .idle { return }
            wait(milliseconds: 5)
        }
        throw HostError.timeout("eject")
    }
}

enum HostError: Error, CustomStringConvertible {
    case damagedReply(String), unexpected(String), timeout(String)
    var description: String {
        switch self {
        case let .damagedReply(s): "damaged reply: \(s)"
        case let .unexpected(s): "unexpected reply to \(s)"
        case let .timeout(s): "timed out waiting for \(s)"
        }
    }
}

/// Scenarios built in code for the tests.
enum TestScenarios {
    static func id(_ body: String) -> String {
        body + String(CardID.luhnCheckDigit(body))
    }

    static func card(_ body: String, hp10: Double, role: CardRole = .worker, quality: String = "S-Cs", days: Double = 30, elements: [Int]? = nil) -> ScenarioCard {
        ScenarioCard(id: id(body), role: role, hp10MilliSievert: hp10, hp007MilliSievert: hp10, quality: quality,
                     daysSinceAnneal: days, elements: elements)
    }

    static func make(_ cards: [ScenarioCard], seed: UInt64 = 7, background: Double = 80, elementMilliseconds: Double? = 40) -> Scenario {
        Scenario(seed: seed, reader: ReaderDescription(model: "TLR-6600S", serial: "TL00042", firmware: "1.4.2"),
                 elementMilliseconds: elementMilliseconds, storageCelsius: 20, backgroundNanoSievertPerHour: background, cards: cards)
    }

    static let small = make([
        card("1000001", hp10: 1.25, days: 45),
        card("9000001", hp10: 2.0, role: .calibration, days: 2),
        card("8000001", hp10: 0, role: .control, days: 45),
    ])
}
