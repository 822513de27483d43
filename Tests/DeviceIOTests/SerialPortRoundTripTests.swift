import Testing
@testable import DeviceIO

@Suite("SerialPort over a pseudo-terminal: bytes in and out")
struct SerialPortRoundTripTests {
    /// The bytes a cooked or flow-controlled line would eat or change: NUL, XON, XOFF, ETX (^C),
    /// CR, LF, DEL, 0x7E, 0xFF.
    static let awkward: [UInt8] = [0x00, 0xFF, 0x11, 0x13, 0x7E, 0x03, 0x0D, 0x0A, 0x7F, 0x04, 0x1A]

    @Test("port → pty master: awkward bytes arrive unchanged")
    func portToMaster() async throws {
        let (pty, port) = try await openedPair()
        try await port.write(Self.awkward)
        #expect(try await pty.readExactly(Self.awkward.count) == Self.awkward)
        // nothing extra (no echo, no CR/LF translation)
        #expect(try await pty.read(maxCount: 64, timeout: .milliseconds(50)) == [])
        await port.close()
        await pty.close()
    }

    @Test("pty master → port: awkward bytes arrive unchanged, nothing is echoed back")
    func masterToPort() async throws {
        let (pty, port) = try await openedPair()
        try await pty.write(Self.awkward)
        #expect(try await port.readExactly(Self.awkward.count) == Self.awkward)
        #expect(try await pty.read(maxCount: 64, timeout: .milliseconds(50)) == [])
        await port.close()
        await pty.close()
    }

    @Test("all 256 byte values, both ways, in one exchange")
    func allByteValues() async throws {
        let (pty, port) = try await openedPair()
        let all = (0...255).map { UInt8($0) }
        try await port.write(all)
        #expect(try await pty.readExactly(256) == all)
        let reversed = Array(all.reversed())
        try await pty.write(reversed)
        #expect(try await port.readExactly(256) == reversed)
        await port.close()
        await pty.close()
    }

    @Test("read returns what arrived without waiting to fill maxCount")
    func readReturnsPartial() async throws {
        let (pty, port) = try await openedPair()
        try await pty.write([0x06])
        let (got, seconds) = try await measure { try await port.read(maxCount: 4096, timeout: .seconds(5)) }
        #expect(got == [0x06])
        #expect(seconds < 1.0)
        await port.close()
        await pty.close()
    }

    @Test("read(maxCount:) never returns more than maxCount; the rest stays queued")
    func readRespectsMaxCount() async throws {
        let (pty, port) = try await openedPair()
        try await pty.write([1, 2, 3, 4, 5])
        try await Task.sleep(for: .milliseconds(20))  // let the line discipline move all five
        let first = try await port.read(maxCount: 2, timeout: .seconds(1))
        #expect(first == [1, 2])
        #expect(try await port.readExactly(3) == [3, 4, 5])
        await port.close()
        await pty.close()
    }

    @Test("a 64 KiB block crosses while the other side reads concurrently")
    func largeTransfer() async throws {
        let (pty, port) = try await openedPair()
        let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        async let received = pty.readExactly(block.count, timeout: .seconds(10))
        try await port.write(block, timeout: .seconds(10))
        #expect(try await received == block)
        await port.close()
        await pty.close()
    }

    @Test("the pty's waitForInput sees what the driver wrote, and times out otherwise")
    func waitForInput() async throws {
        let (pty, port) = try await openedPair()
        #expect(try await pty.waitForInput(timeout: .milliseconds(50)) == false)
        try await port.write([0x05])
        #expect(try await pty.waitForInput(timeout: .seconds(1)) == true)
        #expect(try await pty.read(maxCount: 8, timeout: .zero) == [0x05])
        await port.close()
        await pty.close()
    }

    @Test("flush(.input) discards bytes received but not yet read")
    func flushInput() async throws {
        let (pty, port) = try await openedPair()
        try await pty.write([9, 9, 9])
        try await Task.sleep(for: .milliseconds(20))
        try await port.flush(.input)
        try await pty.write([1])
        #expect(try await port.readExactly(1) == [1])
        #expect(try await port.read(maxCount: 8, timeout: .milliseconds(30)) == [])
        try await port.drain()
        await port.close()
        await pty.close()
    }
}
