import Glibc
import Testing
@testable import DeviceIO

@Suite("SerialPort open, lock, disconnect and close")
struct SerialPortLifecycleTests {
    @Test("opening a missing path gives .notFound")
    func missingPath() async throws {
        let path = "/dev/does-not-exist-tl-\(getpid())"
        await #expect(throws: SerialError.notFound(path: path)) {
            _ = try await SerialPort.open(path: path, configuration: .init(baudRate: 115_200))
        }
    }

    @Test("opening something that is not a terminal gives .notATerminal")
    func notATerminal() async throws {
        await #expect(throws: SerialError.notATerminal(path: "/dev/null")) {
            _ = try await SerialPort.open(path: "/dev/null")
        }
    }

    @Test("a second open of a port that is open gives .busy; after close it opens again")
    func secondOpenIsBusy() async throws {
        let (pty, first) = try await openedPair()
        await #expect(throws: SerialError.busy(path: pty.slavePath)) {
            _ = try await SerialPort.open(path: pty.slavePath)
        }
        await first.close()
        let second = try await SerialPort.open(path: pty.slavePath)
        await second.close()
        await pty.close()
    }

    @Test("a port dropped without close() releases its lock")
    func deinitReleasesLock() async throws {
        let pty = try await PseudoTerminalPair.open()
        do {
            let dropped = try await SerialPort.open(path: pty.slavePath)
            _ = dropped.path
        }
        let again = try await SerialPort.open(path: pty.slavePath)
        await again.close()
        await pty.close()
    }

    @Test("closing the pty master makes read report .disconnected")
    func masterCloseDisconnectsRead() async throws {
        let (pty, port) = try await openedPair()
        let reader = Task { () async throws(SerialError) -> [UInt8] in
            try await port.read(maxCount: 16, timeout: .seconds(10))
        }
        try await Task.sleep(for: .milliseconds(50))
        await pty.close()
        let (result, seconds) = await measure { await reader.result }
        #expect(throws: SerialError.disconnected(path: pty.slavePath)) { try result.get() }
        #expect(seconds < 2)
        // and it stays disconnected, for reads and writes
        await #expect(throws: SerialError.disconnected(path: pty.slavePath)) {
            _ = try await port.read(maxCount: 1, timeout: .seconds(1))
        }
        await #expect(throws: SerialError.disconnected(path: pty.slavePath)) {
            try await port.write([1, 2, 3])
        }
        await port.close()
    }

    @Test("a hang-up discards unread input: the kernel flushes it, so read reports .disconnected")
    func hangUpDiscardsInput() async throws {
        // Documented so that drivers do not expect a last reply after an unplug: tty_vhangup
        // flushes the line discipline's buffer, as it does for a USB adapter pulled mid-reply.
        let (pty, port) = try await openedPair()
        try await pty.write([0xAA, 0xBB])
        try await Task.sleep(for: .milliseconds(20))
        await pty.close()
        await #expect(throws: SerialError.disconnected(path: pty.slavePath)) {
            _ = try await port.read(maxCount: 16, timeout: .seconds(1))
        }
        await port.close()
    }

    @Test("using a port after close() gives .closed; close() twice is harmless")
    func useAfterClose() async throws {
        let (pty, port) = try await openedPair()
        await port.close()
        await port.close()
        await #expect(throws: SerialError.closed(path: pty.slavePath)) { try await port.write([1]) }
        await #expect(throws: SerialError.closed(path: pty.slavePath)) {
            _ = try await port.read(maxCount: 1, timeout: .zero)
        }
        await #expect(throws: SerialError.closed(path: pty.slavePath)) { try await port.drain() }
        await #expect(throws: SerialError.closed(path: pty.slavePath)) { try await port.flush(.both) }
        await pty.close()
        await #expect(throws: SerialError.closed(path: pty.slavePath)) { try await pty.write([1]) }
    }
}
