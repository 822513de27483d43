import Foundation
import ReaderProtocol
import TestSupport
import Testing
@testable import TLSimulator

@Suite("Protocol session against the engine")
struct SessionTests {
    @Test("full session: hello, identify, load, stream 4 elements with CRC, release, eject, magazine empty")
    func fullSession() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small))
        // Before HELLO nothing else is accepted.
        #expect(try host.send(.status) == .error(.notInitialised, detail: "send HELLO first"))
        try host.hello()
        guard case let .identify(id) = try host.send(.identify) else { Issue.record("IDENTIFY"); return }
        #expect(id == ReaderIdentity(model: "TLR-6600S", firmware: "1.4.2", serial: "TL00042", elementsPerCard: 4, maxChannels: 4096))
        var s = try host.status()
        #expect(s.state == .idle && s.events.contains(.powerOnReset) && s.magazineRemaining == 3 && s.cardID.isEmpty)
        guard case .eventsCleared([]) = try host.send(.clearEvents(.powerOnReset)) else { Issue.record("CLEAR_EVENTS"); return }
        guard case let .qc(qc) = try host.send(.qc) else { Issue.record("QC"); return }
        #expect((15...60).contains(qc.pmtDarkCountsPerSecond))
        guard case .profile(.lifMgTiDefault, .setProfile) = try host.send(.setProfile(.lifMgTiDefault)) else { Issue.record("SET_PROFILE"); return }

        for expectedCard in TestScenarios.small.cards {
            s = try host.loadNext()
            #expect(s.cardID == expectedCard.id)
            #expect(s.elementStates == [.notRead, .notRead, .notRead, .notRead])
            for e: UInt8 in 1...4 {
                let (curve, info, notYet) = try host.readElement(e)
                #expect(curve.count == 200)
                #expect(notYet, "channels are streamed while heating")
                #expect(info.curveCRC32 == CRC32ISOHDLC.curveChecksum(curve))
                #expect(info.channels == 200 && info.channelMicroseconds == 133_350)
                #expect(info.heaterMaxDeciCelsius >= 2980 && info.heaterMaxDeciCelsius <= 3020)
                try host.release(e)
            }
            #expect(try host.status().elementStates == [.released, .released, .released, .released])
            try host.eject()
        }
        #expect(try host.send(.loadNext) == .error(.magazineEmpty, detail: "no card left in the input magazine"))
        s = try host.status()
        #expect(s.magazineRemaining == 0 && s.events.contains(.magazineEmpty) && s.state == .idle)
        // Latched until cleared.
        #expect(try host.status().events.contains(.magazineEmpty))
        guard case .eventsCleared([]) = try host.send(.clearEvents([.magazineEmpty])) else { Issue.record("CLEAR"); return }
        #expect(try host.status().events.isEmpty)
    }

    @Test("normative vectors: the engine's replies to vector requests are the vector replies")
    func vectors() throws {
        let text = try RepoPaths.text(RepoPaths.file("firmware-protocol/vectors/frames.txt"))
        var wire: [String: [UInt8]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cols = line.components(separatedBy: " | ")
            if cols.count == 4 { wire[cols[0]] = bytes(hex: cols[3]) }
        }
        var engine = try ReaderEngine(scenario: TestScenarios.small)
        let pairs = [("hello-request", "hello-reply"), ("identify-request", "identify-reply"), ("load-next-request", "load-next-reply")]
        for (request, reply) in pairs {
            let req = try #require(wire[request]), rep = try #require(wire[reply])
            #expect(engine.receive(req, now: .zero) == rep, "\(request)")
        }
        // STATUS request seq 5 is answered with seq 5.
        let status = try Host.frames(engine.receive(try #require(wire["status-request-seq5"]), now: .zero))
        #expect(status.map(\.sequence) == [5] && status.map(\.type) == [0x83])
    }

    @Test("damaged frames get a NAK with the reason and seq of PROTOCOL.md 3.3", arguments: [
        ("crc-flipped", NakReason.badCRC, UInt8(5)), ("too-short", .badLength, 5), ("length-field-wrong", .badLength, 5),
        ("cobs-code-past-end", .badStuffing, 0), ("version-2", .unsupportedVersion, 5),
    ])
    func nak(name: String, reason: NakReason, seq: UInt8) throws {
        let text = try RepoPaths.text(RepoPaths.file("firmware-protocol/vectors/bad-frames.txt"))
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " |") })
        let cols = line.components(separatedBy: " | ")
        #expect(cols[1] == "\(reason)")
        var engine = try ReaderEngine(scenario: TestScenarios.small)
        let frames = try Host.frames(engine.receive(bytes(hex: cols[2]), now: .zero))
        #expect(frames.count == 1)
        #expect(frames.first?.type == MessageType.nak && frames.first?.sequence == seq)
        #expect(try frames.first.map(Reply.init(frame:)) == .nak(reason))
        // A frame that fails a check is never acted upon: the session is still uninitialised.
        #expect(!engine.isSessionInitialised)
    }

    @Test("frameTooLong: more than 1036 bytes without a delimiter is discarded with a NAK")
    func frameTooLong() throws {
        var engine = try ReaderEngine(scenario: TestScenarios.small)
        let frames = try Host.frames(engine.receive(Array(repeating: 0x41, count: 1100) + [0], now: .zero))
        #expect(try frames.map(Reply.init(frame:)) == [.nak(.frameTooLong)])
    }

    @Test("a retransmitted LOAD_NEXT (same seq and CRC) loads one card and gets the stored reply")
    func duplicateLoad() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small))
        try host.hello()
        let wire = Request.loadNext.frame(sequence: 42).encodeForWire()
        let first = host.engine.receive(wire, now: host.now)
        let again = host.engine.receive(wire, now: host.now)
        #expect(first == again)
        #expect(try Host.frames(first).map(Reply.init(frame:)) == [.started(.loadNext)])
        host.wait(milliseconds: 100)
        let s = try host.status()
        #expect(s.magazineRemaining == 2 && s.cardID == TestScenarios.small.cards[0].id)
        // The same request with a new seq is executed: now refused because a card is loaded.
        guard case .error(.invalidState, _) = try host.send(.loadNext) else { Issue.record("second LOAD_NEXT executed?"); return }
    }

    @Test("a retransmitted READ_ELEMENT does not heat twice")
    func duplicateRead() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small, pace: .elementMilliseconds(0)))
        try host.hello()
        _ = try host.loadNext()
        let wire = Request.readElement(1).frame(sequence: 200).encodeForWire()
        let first = host.engine.receive(wire, now: host.now)
        host.wait(milliseconds: 1)
        let again = host.engine.receive(wire, now: host.now)
        #expect(first == again)
        #expect(host.engine.state.cards[0].readCounts == [1, 0, 0, 0])
        #expect(try host.status().elementStates[0] == .buffered)
    }

    @Test("HELLO clears the duplicate cache: a new session's request with an old seq is executed")
    func helloClearsCache() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small, pace: .elementMilliseconds(0)))
        try host.hello()
        let wire = Request.qc.frame(sequence: 9).encodeForWire()
        _ = host.engine.receive(wire, now: host.now)
        try host.hello()
        _ = host.engine.receive(wire, now: host.now)
        #expect(host.engine.state.qcCount == 2)
    }

    @Test("unreleasedData interlock: no read, anneal or eject while an element is buffered")
    func interlock() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small, pace: .elementMilliseconds(0)))
        try host.hello()
        _ = try host.loadNext()
        _ = try host.readElement(2)
        #expect(try host.send(.readElement(3)) == .error(.unreleasedData, detail: "element 2 is buffered"))
        #expect(try host.send(.eject) == .error(.unreleasedData, detail: "element 2 is buffered"))
        #expect(try host.send(.anneal) == .error(.unreleasedData, detail: "element 2 is buffered"))
        // Chunks can be fetched again while buffered.
        guard case let .chunk(c) = try host.send(.getChunk(element: 2, firstChannel: 190, maxChannels: 128)) else { Issue.record("chunk"); return }
        #expect(c.channels.count == 10)
        #expect(try host.send(.getChunk(element: 2, firstChannel: 200, maxChannels: 1)) == .error(.badPayload, detail: "curve has 200 channels"))
        try host.release(2)
        // Release is idempotent; a second plain read is refused; a reread is allowed.
        try host.release(2)
        #expect(try host.send(.readElement(2)) == .error(.elementAlreadyRead, detail: "element 2 was read; use reread"))
        _ = try host.readElement(2, reread: true)
        try host.release(2)
        _ = try host.readElement(3)
        try host.release(3)
        guard case .started(.anneal) = try host.send(.anneal) else { Issue.record("ANNEAL"); return }
        host.wait(milliseconds: 1)
        // The anneal took the signal of the elements never read: they are interrupted, not notRead.
        #expect(try host.status().elementStates == [.interrupted, .released, .released, .interrupted])
        try host.eject()
    }

    @Test("errors: version, range, absent, no card, busy, unknown command, bad payload")
    func errors() throws {
        let scenario = TestScenarios.make([TestScenarios.card("1000002", hp10: 1, elements: [1, 2, 3])])
        var host = Host(try ReaderEngine(scenario: scenario, pace: .realTime))
        #expect(try host.send(.hello(minVersion: 2, maxVersion: 3)) == .error(.unsupportedVersion, detail: "reader speaks version 1 only"))
        try host.hello()
        #expect(try host.send(.readElement(1)) == .error(.noCard, detail: "load a card first"))
        guard case .started(.loadNext) = try host.send(.loadNext) else { Issue.record("load"); return }
        guard case .error(.busy, _) = try host.send(.readElement(1)) else { Issue.record("busy"); return }
        host.wait(milliseconds: 2000)
        #expect(try host.status().elementStates == [.notRead, .notRead, .notRead, .absent])
        #expect(try host.send(.readElement(4)) == .error(.elementAbsent, detail: "no pellet in position 4"))
        #expect(try host.send(.readElement(5)) == .error(.elementOutOfRange, detail: "card has elements 1-4"))
        #expect(try host.send(.readElement(0)) == .error(.elementOutOfRange, detail: "card has elements 1-4"))
        // Real-time heating: chunks not yet acquired.
        guard case let .readStarted(r) = try host.send(.readElement(1)) else { Issue.record("read"); return }
        #expect(r.expectedMilliseconds == 26_670 && r.channels == 200)
        guard case .error(.notYetAvailable, _) = try host.send(.getChunk(element: 1, firstChannel: 0, maxChannels: 10)) else { Issue.record("notYet"); return }
        guard case .error(.invalidState, _) = try host.send(.setProfile(.lifMgTiDefault)) else { Issue.record("profile while heating"); return }
        host.wait(milliseconds: 13_335)
        guard case let .curveInfo(half) = try host.send(.getCurveInfo(element: 1)) else { Issue.record("info"); return }
        #expect(half.state == .heating && (99...100).contains(half.channels) && half.curveCRC32 == 0)
        #expect(try host.status().state == .heating)
        // Unknown command and a bad payload.
        let unknown = try Host.frames(host.engine.receive(Frame(sequence: 77, type: 0x3F).encodeForWire(), now: host.now))
        #expect(try unknown.map(Reply.init(frame:)) == [.error(.unknownCommand, detail: "type 0x3F is not a v1 request")])
        let short = try Host.frames(host.engine.receive(Frame(sequence: 78, type: 0x11, payload: [1]).encodeForWire(), now: host.now))
        guard case .error(.badPayload, _)? = try short.first.map(Reply.init(frame:)) else { Issue.record("badPayload"); return }
        var bad = TimeTemperatureProfile.lifMgTiDefault
        bad.channels = 0
        host.wait(milliseconds: 20_000)
        guard case .error(.badPayload, _) = try host.send(.setProfile(bad)) else { Issue.record("bad profile"); return }
    }

    @Test("ABORT while heating leaves the element interrupted with a partial curve")
    func abort() throws {
        var host = Host(try ReaderEngine(scenario: TestScenarios.small, pace: .elementMilliseconds(100)))
        try host.hello()
        _ = try host.loadNext()
        guard case .readStarted = try host.send(.readElement(1)) else { Issue.record("read"); return }
        host.wait(milliseconds: 50)
        #expect(try host.send(.abort) == .aborted(.cardLoaded))
        #expect(try host.status().elementStates[0] == .interrupted)
        guard case let .curveInfo(info) = try host.send(.getCurveInfo(element: 1)) else { Issue.record("info"); return }
        #expect(info.state == .interrupted && (99...100).contains(info.channels) && info.curveCRC32 == 0)
        guard case .error(.invalidState, _) = try host.send(.releaseElement(1)) else { Issue.record("release interrupted"); return }
        #expect(try host.send(.readElement(1)) == .error(.elementAlreadyRead, detail: "element 1 was read; use reread"))
        // Heated to about 183 °C: peak 2 (Tm ≈ 167 °C) is mostly emptied, peak 5 is still (almost) all there.
        let left = host.engine.state.cards[0].populations[0]
        let before = CardIrradiation.populations(card: TestScenarios.small.cards[0], element: 0, scenario: TestScenarios.small, physics: ReaderPhysics())
        #expect(left[0] < 0.1 * before[0])
        #expect(left[3] > 0.95 * before[3] && left[3] < before[3])
    }
}

@Suite("In-memory connection")
struct ConnectionTests {
    @Test("a manual-clock connection answers frames and moves time only when told")
    func manualClock() throws {
        let link = SimulatedReaderConnection(engine: try ReaderEngine(scenario: TestScenarios.small, pace: .realTime), clock: .manual)
        #expect(try Host.frames(link.exchange(Request.hello(minVersion: 1, maxVersion: 1).frame(sequence: 0).encodeForWire())).count == 1)
        // A frame split across two writes is answered once it is complete.
        let load = Request.loadNext.frame(sequence: 1).encodeForWire()
        #expect(link.exchange(Array(load.prefix(3))).isEmpty)
        #expect(try Host.frames(link.exchange(Array(load.dropFirst(3)))).map(Reply.init(frame:)) == [.started(.loadNext)])
        #expect(link.withEngine { $0.readerStatus.state } == .loading)
        link.advance(milliseconds: 1999)
        #expect(link.withEngine { $0.readerStatus.state } == .loading)
        link.advance(milliseconds: 1)
        #expect(link.withEngine { $0.readerStatus.state } == .cardLoaded)
    }
}
