import Instruments
import ReaderProtocol
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
        let link = MemoryLink()
        let clock = ContinuousClock()
        let start = clock.now
        let bytes = try await link.host.read(maxCount: 10, timeout: .milliseconds(40))
        #expect(bytes.isEmpty)
        #expect(start.duration(to: clock.now) >= .milliseconds(40))
    }

    @Test func shortTimeoutAfterALongOneStillExpiresOnTime() async throws {
        // Reads share one timer per side: a read with a nearer deadline than the pending timer's must
        // still end at its own deadline, and a later read must not be ended early.
        let link = MemoryLink()
        let host = link.host
        let long = Task { try await host.read(maxCount: 4, timeout: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(10))
        try await link.device.write(a)
        #expect(try await long.value == Array(a.prefix(4)))
        let clock = ContinuousClock()
        let start = clock.now
        let rest = try await host.read(maxCount: 4096, timeout: .milliseconds(40))
        #expect(rest == Array(a.dropFirst(4)))
        #expect(try await host.read(maxCount: 10, timeout: .milliseconds(40)).isEmpty)
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(40))
        #expect(waited < .seconds(2))
        let next = Task { try await host.read(maxCount: 4096, timeout: .milliseconds(300)) }
        try await Task.sleep(for: .milliseconds(100))
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
        let link = MemoryLink()
        await link.inject(.delay(.milliseconds(60)), direction: .deviceToHost, on: .index(1))
        try await link.device.write(a)
        try await link.device.write(b)
        #expect(try await link.host.read(maxCount: 4096, timeout: .milliseconds(30)) == b)
        #expect(try await drain(link.host).isEmpty)
        #expect(try await link.host.read(maxCount: 4096, timeout: .milliseconds(200)) == a)
    }

    @Test func cutConnectionFailsBothEnds() async throws {
        let link = MemoryLink()
        await link.inject(.cutConnection, direction: .hostToDevice, on: .index(1))
        try await link.host.write(a)
        await #expect(throws: TransportError.closed) { try await link.device.read(maxCount: 1, timeout: .milliseconds(10)) }
        await #expect(throws: TransportError.closed) { try await link.host.write(b) }
    }

    @Test func cutWakesAWaitingReader() async throws {
        let link = MemoryLink()
        let host = link.host
        let waiting = Task { try await host.read(maxCount: 10, timeout: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(20))
        await link.cut()
        await #expect(throws: TransportError.closed) { try await waiting.value }
    }
}
