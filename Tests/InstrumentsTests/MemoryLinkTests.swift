import Instruments
import ReaderProtocol
import TestSupport
import Testing

@Suite("MemoryLink fault injection")
struct MemoryLinkTests {
    let a = Frame(sequence: 1, type: MessageType.status.rawValue).encodeForWire()
    let b = Frame(sequence: 2, type: MessageType.qc.rawValue).encodeForWire()

    func drain(_ t: MemoryTransport) async throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = try await t.read(maxCount: 4096, timeout: .milliseconds(30))
            if chunk.isEmpty { return out }
            out += chunk
        }
    }

    @Test func passesBytesBothWays() async throws {
        let link = MemoryLink()
        try await link.host.write(a)
        try await link.device.write(b)
        #expect(try await drain(link.device) == a)
        #expect(try await drain(link.host) == b)
        #expect(await link.frameCount(.hostToDevice) == 1)
    }

    @Test func readTimesOutEmpty() async throws {
        let clock = ManualClock()
        let link = MemoryLink(clock: clock)
        let host = link.host
        let read = Task { try await host.read(maxCount: 10, timeout: .milliseconds(40)) }
        try await clock.waitForSleeper(after: .milliseconds(40))
        clock.advance(by: .milliseconds(39))
        #expect(clock.sleepingUntil == [.init(offset: .milliseconds(40))], "still waiting 1 ms before the deadline")
        clock.advance(by: .milliseconds(1))
        #expect(try await read.value.isEmpty)
    }

    @Test func shortTimeoutAfterALongOneStillExpiresOnTime() async throws {
        // Reads share one timer per side: a read with a nearer deadline than the pending timer's must
        // still end at its own deadline, and a later read must not be ended early.
        let clock = ManualClock()
        let link = MemoryLink(clock: clock)
        let host = link.host
        let long = Task { try await host.read(maxCount: 4, timeout: .seconds(5)) }
        try await clock.waitForSleeper(after: .seconds(5))
        try await link.device.write(a)
        #expect(try await long.value == Array(a.prefix(4)))
        let rest = try await host.read(maxCount: 4096, timeout: .milliseconds(40))
        #expect(rest == Array(a.dropFirst(4)))
        let short = Task { try await host.read(maxCount: 10, timeout: .milliseconds(40)) }
        try await clock.waitForSleeper(after: .milliseconds(40))  // its own timer, not the 5 s one
        clock.advance(by: .milliseconds(40))
        #expect(try await short.value.isEmpty)
        let next = Task { try await host.read(maxCount: 4096, timeout: .milliseconds(300)) }
        try await clock.waitForSleeper(after: .milliseconds(300))
        clock.advance(by: .milliseconds(100))
        try await link.device.write(b)
        #expect(try await next.value == b)
    }

    @Test func dropsTheSelectedFrameOnly() async throws {
        let link = MemoryLink()
        await link.inject(.drop, direction: .hostToDevice, on: .index(2))
        try await link.host.write(a)
        try await link.host.write(b)
        try await link.host.write(a)
        #expect(try await drain(link.device) == a + a)
        #expect(await link.pendingFaults() == 0)
    }

    @Test func selectsByTypeAndOccurrence() async throws {
        let link = MemoryLink()
        await link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.status.rawValue, occurrence: 2))
        try await link.device.write(a)
        try await link.device.write(b)
        try await link.device.write(a)
        #expect(try await drain(link.host) == a + b)
    }

    @Test func duplicatesCorruptsAndPrependsGarbage() async throws {
        let link = MemoryLink()
        await link.inject(.duplicate, direction: .hostToDevice, on: .index(1))
        await link.inject(.corrupt(offset: 3, mask: 0x10), direction: .hostToDevice, on: .index(2))
        await link.inject(.prependGarbage([0xAA, 0xBB]), direction: .hostToDevice, on: .index(3))
        try await link.host.write(a)
        try await link.host.write(b)
        try await link.host.write(a)
        var corrupted = b
        corrupted[3] ^= 0x10
        #expect(try await drain(link.device) == a + a + corrupted + [0xAA, 0xBB] + a)
    }

    @Test func delayedFrameIsOvertaken() async throws {
        let clock = ManualClock()
        let link = MemoryLink(clock: clock)
        let host = link.host
        await link.inject(.delay(.milliseconds(60)), direction: .deviceToHost, on: .index(1))
        try await link.device.write(a)
        try await link.device.write(b)
        #expect(try await host.read(maxCount: 4096, timeout: .milliseconds(30)) == b)
        // Nothing more within 30 ms…
        let early = Task { try await host.read(maxCount: 4096, timeout: .milliseconds(30)) }
        try await clock.waitForSleeper(after: .milliseconds(30))
        clock.advance(by: .milliseconds(30))
        #expect(try await early.value.isEmpty)
        // …and the held-back frame at 60 ms.
        let late = Task { try await host.read(maxCount: 4096, timeout: .milliseconds(200)) }
        try await clock.waitForSleeper(after: .milliseconds(200))
        clock.advance(by: .milliseconds(30))
        #expect(try await late.value == a)
    }

    @Test func cutConnectionFailsBothEnds() async throws {
        let link = MemoryLink()
        await link.inject(.cutConnection, direction: .hostToDevice, on: .index(1))
        try await link.host.write(a)
        await #expect(throws: TransportError.closed) { try await link.device.read(maxCount: 1, timeout: .milliseconds(10)) }
        await #expect(throws: TransportError.closed) { try await link.host.write(b) }
    }

    @Test func cutWakesAWaitingReader() async throws {
        let clock = ManualClock()
        let link = MemoryLink(clock: clock)
        let host = link.host
        let waiting = Task { try await host.read(maxCount: 10, timeout: .seconds(5)) }
        try await clock.waitForSleeper(after: .seconds(5))
        await link.cut()
        await #expect(throws: TransportError.closed) { try await waiting.value }
    }

    @Test(.timeLimit(.minutes(10))) func cancellingAWaitForAStateThatNeverComesEndsTheWait() async throws {
        let link = MemoryLink(clock: ManualClock())
        let watch = Task { try await link.waitUntil(.input, at: .host) }  // nobody writes to the host
        watch.cancel()
        await #expect(throws: CancellationError.self) { try await watch.value }
        // The link still works, and a new wait for a state that comes returns.
        let arrived = Task { try await link.waitUntil(.input, at: .host) }
        try await link.device.write(a)
        try await arrived.value
        #expect(try await link.host.read(maxCount: 4096, timeout: .seconds(1)) == a)
    }

    @Test func aWaitOnACutLinkReturns() async throws {
        let link = MemoryLink(clock: ManualClock())
        await link.cut()
        try await link.waitUntil(.input, at: .host)
    }
}
