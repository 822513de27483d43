import Instruments
import ReaderProtocol
import TestSupport
import Testing

/// Every test runs on a manual clock: T_reply passes only when the test advances it, so a test that
/// asserts that no retransmission happened cannot see one because the machine was loaded (it failed
/// that way with a real 3 s T_reply in a parallel run, docs/testing.md), and a test that needs
/// T_reply to pass does not wait for it.
@Suite("ReaderLink: retransmission, NAK, stale and damaged replies", .timeLimit(.minutes(10)))
struct ReaderLinkTests {
    let config = LinkConfiguration(replyTimeout: .milliseconds(100))

    func readerWith(_ link: MemoryLink, clock: ManualClock) -> ReaderLink {
        ReaderLink(transport: link.host, configuration: config, clock: clock, logger: quietLogger)
    }

    @Test func replyThatNeverComesGivesLinkLostAfterFourAttempts() async throws {
        let clock = ManualClock()
        let mem = MemoryLink(clock: clock)  // nobody serves the device end
        let link = ReaderLink(transport: mem.host, configuration: config, clock: clock, logger: quietLogger)
        let exchange = Task { try await link.exchange(.status) }
        for attempt in 1...4 {  // T_reply passes four times
            try await clock.waitForSleeper(after: config.replyTimeout)
            #expect(await mem.frameCount(.hostToDevice) == attempt)
            clock.advance(by: config.replyTimeout)
        }
        await #expect(throws: ReaderLinkError.linkLost(request: .status, attempts: 4, lastProblem: .noReply)) {
            try await exchange.value
        }
        #expect(clock.now == .init(offset: config.replyTimeout * 4))
        #expect(await mem.frameCount(.hostToDevice) == 4)
        let c = await link.counters
        #expect(c.retransmissions == 3)
        #expect(c.timeouts == 4)
    }

    @Test func retransmissionIsTheIdenticalFrame() async throws {
        let clock = ManualClock()
        let mem = MemoryLink(clock: clock)  // nobody serves the device end
        let link = readerWith(mem, clock: clock)
        let exchange = Task { try await link.exchange(.getChunk(element: 2, firstChannel: 128, maxChannels: 72)) }
        for _ in 1...4 {
            try await clock.waitForSleeper(after: config.replyTimeout)
            clock.advance(by: config.replyTimeout)
        }
        _ = try? await exchange.value
        // Every attempt is in the device's inbox: read until the four frames are decoded.
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        while frames.count < 4 {
            let b = try await mem.device.read(maxCount: 4096, timeout: .seconds(1))
            frames += decoder.feed(b).compactMap { if case let .frame(f) = $0 { f } else { nil } }
        }
        #expect(frames.count == 4)
        #expect(await mem.frameCount(.hostToDevice) == 4)
        #expect(Set(frames).count == 1)
    }

    @Test func sequenceNumbersAdvanceAndWrap() async throws {
        let clock = ManualClock()  // never advanced: no T_reply can pass, so a replay could only be the link's fault
        let fake = FakeReader(magazine: [], clock: clock)
        let mem = MemoryLink(clock: clock)
        let serving = Task { await fake.serve(mem.device) }
        let link = ReaderLink(transport: mem.host, configuration: LinkConfiguration(replyTimeout: config.replyTimeout, initialSequence: 254),
                              clock: clock, logger: quietLogger)
        _ = try await link.exchange(.hello(minVersion: 1, maxVersion: 1))
        for _ in 0..<3 {
            guard case .status = try await link.exchange(.status) else { Issue.record("expected STATUS"); break }
        }
        // seq 254, 255, 0, 1: four distinct requests, no replay.
        #expect(await fake.replays == 0)
        #expect(await fake.executed.count == 4)
        await mem.cut()
        await serving.value
    }

    @Test func concurrentCallersGetOneOutstandingRequestAtATime() async throws {
        let clock = ManualClock()  // never advanced: no retransmission can come from a loaded machine
        let fake = FakeReader(magazine: threeCards(), clock: clock)
        let mem = MemoryLink(clock: clock)
        let serving = Task { await fake.serve(mem.device) }
        let link = readerWith(mem, clock: clock)
        _ = try await link.exchange(.hello(minVersion: 1, maxVersion: 1))
        let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
            for _ in 0..<20 { group.addTask { try await link.exchange(.status) } }
            return try await group.reduce(into: [Reply]()) { $0.append($1) }
        }
        #expect(replies.count == 20)
        #expect(replies.allSatisfy { if case .status = $0 { true } else { false } })
        let c = await link.counters
        #expect(c.retransmissions == 0)
        #expect(c.staleFrames == 0)
        await mem.cut()
        await serving.value
    }

    @Test func staleReplyWithOldSeqIsIgnored() async throws {
        // The clock is never advanced: this test asserts that no retransmission happens, which a busy
        // machine must not turn into a timeout.
        let clock = ManualClock()
        let mem = MemoryLink(clock: clock)
        let link = readerWith(mem, clock: clock)
        // A reader that first sends a reply with the wrong seq, then the right one.
        let device = mem.device
        let responder = Task {
            var decoder = FrameDecoder()
            while let bytes = try? await device.read(maxCount: 4096, timeout: .seconds(2)), !bytes.isEmpty {
                for case let .frame(f) in decoder.feed(bytes) {
                    let status = ReaderStatus(state: .idle, events: [], magazineRemaining: 7, cardID: "", elementStates: [], heaterDeciCelsius: 0)
                    let stale = ReaderStatus(state: .fault, events: .jam, magazineRemaining: 1, cardID: "OLD", elementStates: [], heaterDeciCelsius: 0)
                    try? await device.write(Reply.status(stale).frame(sequence: f.sequence &- 1).encodeForWire())
                    try? await device.write(Reply.qc(QCMeasurement(pmtDarkCountsPerSecond: 1, referenceLightCounts: 1, highVoltageVolts: 1, heaterDeciCelsius: 1))
                        .frame(sequence: f.sequence).encodeForWire())
                    try? await device.write(Reply.status(status).frame(sequence: f.sequence).encodeForWire())
                    return
                }
            }
        }
        let reply = try await link.exchange(.status)
        guard case let .status(s) = reply else { Issue.record("expected STATUS, got \(reply)"); return }
        #expect(s.magazineRemaining == 7)
        #expect(await link.counters.staleFrames == 2)
        #expect(await link.counters.retransmissions == 0)
        await responder.value
        await mem.cut()
    }

    @Test func garbageStreamEndsInLinkLostWithoutCrashing() async throws {
        // The clock is never advanced: each damaged reply is retransmitted at once, without T_reply.
        let clock = ManualClock()
        let mem = MemoryLink(clock: clock)
        let link = readerWith(mem, clock: clock)
        let device = mem.device
        // A "reader" that answers every request with line noise (including 0x00 delimiters).
        let noise = Task {
            var generator = SystemRandomNumberGenerator()
            while let bytes = try? await device.read(maxCount: 4096, timeout: .seconds(2)), !bytes.isEmpty {
                let junk = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try? await device.write(junk + [0])
            }
        }
        do {
            _ = try await link.exchange(.identify)
            Issue.record("noise must not parse as a reply")
        } catch let error {
            guard case let .linkLost(request, attempts, problem) = error else { Issue.record("\(error)"); return }
            #expect(request == .identify)
            #expect(attempts == 4)
            if case .damagedReply = problem {} else { Issue.record("last problem should be a damaged reply, was \(problem)") }
        }
        #expect(await link.counters.damagedFrames >= 4)
        #expect(await link.counters.timeouts == 0)
        await mem.cut()
        await noise.value
    }

    @Test func cutConnectionIsATransportError() async throws {
        let clock = ManualClock()
        let mem = MemoryLink(clock: clock)
        let link = readerWith(mem, clock: clock)
        await mem.cut()
        await #expect(throws: ReaderLinkError.transport("\(TransportError.closed)")) { try await link.exchange(.status) }
    }
}
