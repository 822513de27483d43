// SyscallMock exists in debug builds only (as swift-system's mocking needs ENABLE_MOCKING).
#if DEBUG
import Glibc
import SystemPackage
import Testing
@testable import DeviceIO

/// Faults forced into the system-call layer (debug builds: `SyscallMock`), on a real pty.
@Suite("System-call faults: EINTR retry, EIO, ENOTTY")
struct SyscallFaultInjectionTests {
    @Test("EINTR from poll and read is retried, and the data still arrives")
    func interruptedReadIsRetried() async throws {
        let (pty, port) = try await openedPair()
        try await pty.write([0x11, 0x13])
        try await Task.sleep(for: .milliseconds(20))
        let mock = SyscallMock()
        mock.inject(.interrupted, into: .poll, times: 3)
        mock.inject(.interrupted, into: .read, times: 2)
        let got = try await SyscallMock.$current.withValue(mock) {
            try await port.read(maxCount: 8, timeout: .seconds(1))
        }
        #expect(got == [0x11, 0x13])
        #expect(mock.pendingFaults == 0)
        #expect(mock.count(of: .poll) == 4)   // 3 interrupted + 1 real
        #expect(mock.count(of: .read) == 3)   // 2 interrupted + 1 real
        await port.close()
        await pty.close()
    }

    @Test("EINTR from write is retried, and every byte is sent once")
    func interruptedWriteIsRetried() async throws {
        let (pty, port) = try await openedPair()
        let mock = SyscallMock()
        mock.inject(.interrupted, into: .write, times: 2)
        try await SyscallMock.$current.withValue(mock) {
            try await port.write([1, 2, 3, 4])
        }
        #expect(mock.pendingFaults == 0)
        #expect(try await pty.readExactly(4) == [1, 2, 3, 4])
        #expect(try await pty.read(maxCount: 8, timeout: .milliseconds(30)) == [])
        await port.close()
        await pty.close()
    }

    @Test("EINTR from open, flock and tcsetattr is retried")
    func interruptedOpenIsRetried() async throws {
        let pty = try await PseudoTerminalPair.open()
        let mock = SyscallMock()
        mock.inject(.interrupted, into: .open)
        mock.inject(.interrupted, into: .flock)
        mock.inject(.interrupted, into: .tcsetattr)
        let port = try await SyscallMock.$current.withValue(mock) {
            try await SerialPort.open(path: pty.slavePath)
        }
        #expect(mock.count(of: .open) == 2)
        #expect(mock.count(of: .flock) == 2)
        #expect(mock.count(of: .tcsetattr) == 2)
        await port.close()
        await pty.close()
    }

    @Test("with retryOnInterrupt: false, EINTR is returned, not retried")
    func noRetryWhenOff() async throws {
        let pty = try await PseudoTerminalPair.open()
        let device = try TerminalDescriptor.openDevice(path: pty.slavePath)
        defer { device.close() }
        try await pty.write([0x7E])
        try await Task.sleep(for: .milliseconds(20))

        let off = SyscallMock()
        off.inject(.interrupted, into: .read)
        let first = SyscallMock.$current.withValue(off) { device.readOnce(maxCount: 8, retryOnInterrupt: false) }
        #expect(first == .failure(.interrupted))
        #expect(off.count(of: .read) == 1)

        let on = SyscallMock()
        on.inject(.interrupted, into: .read)
        let second = SyscallMock.$current.withValue(on) { device.readOnce(maxCount: 8, retryOnInterrupt: true) }
        #expect(second == .success([0x7E]))
        #expect(on.count(of: .read) == 2)
        await pty.close()
    }

    @Test("close(2) is not retried on EINTR (Linux releases the descriptor anyway)")
    func closeIsNotRetried() async throws {
        let pty = try await PseudoTerminalPair.open()
        let device = try TerminalDescriptor.openDevice(path: pty.slavePath)
        let mock = SyscallMock()
        mock.inject(.interrupted, into: .close)
        SyscallMock.$current.withValue(mock) { device.close() }
        #expect(mock.trace == [.ioctl, .close])  // TIOCNXCL, then one close
        // the descriptor and its lock are gone: the path opens again
        let port = try await SerialPort.open(path: pty.slavePath)
        await port.close()
        await pty.close()
    }

    @Test("ENOTTY from ioctl(TIOCEXCL) is tolerated, as on umockdev's emulated ttys")
    func exclusiveModeNotSupported() async throws {
        let pty = try await PseudoTerminalPair.open()
        let mock = SyscallMock()
        mock.inject(.inappropriateIOCTLForDevice, into: .ioctl)
        let port = try await SyscallMock.$current.withValue(mock) {
            try await SerialPort.open(path: pty.slavePath)
        }
        #expect(mock.pendingFaults == 0)
        try await port.write([0x2A])
        #expect(try await pty.readExactly(1) == [0x2A])
        await port.close()
        await pty.close()
    }

    @Test("any other ioctl(TIOCEXCL) failure fails the open, and releases the lock it took")
    func exclusiveModeFailure() async throws {
        let pty = try await PseudoTerminalPair.open()
        let mock = SyscallMock()
        mock.inject(.invalidArgument, into: .ioctl)
        await #expect(throws: SerialError.system(.invalidArgument, call: "ioctl(TIOCEXCL)", path: pty.slavePath)) {
            _ = try await SyscallMock.$current.withValue(mock) { try await SerialPort.open(path: pty.slavePath) }
        }
        let port = try await SerialPort.open(path: pty.slavePath)
        await port.close()
        await pty.close()
    }

    @Test("open errors map to their cases", arguments: [
        (Errno.noSuchFileOrDirectory, "notFound"), (.noSuchAddressOrDevice, "notFound"),
        (.permissionDenied, "permissionDenied"), (.notPermitted, "permissionDenied"),
        (.resourceBusy, "busy"), (.tooManyOpenFiles, "system"),
    ])
    func openErrorMapping(errno: Errno, expected: String) async throws {
        let pty = try await PseudoTerminalPair.open()
        let mock = SyscallMock()
        mock.inject(errno, into: .open)
        let path = pty.slavePath
        let error = await #expect(throws: SerialError.self) {
            _ = try await SyscallMock.$current.withValue(mock) { try await SerialPort.open(path: path) }
        }
        switch (error, expected) {
        case (.notFound(path)?, "notFound"), (.permissionDenied(path)?, "permissionDenied"),
             (.busy(path)?, "busy"), (.system(errno, "open", path)?, "system"):
            break
        default:
            Issue.record("\(errno.symbolicName) gave \(String(describing: error)), expected \(expected)")
        }
        await pty.close()
    }

    @Test("EIO from read means disconnected", arguments: [Errno.ioError, .noSuchAddressOrDevice])
    func readEIOIsDisconnect(errno: Errno) async throws {
        let (pty, port) = try await openedPair()
        try await pty.write([1])
        try await Task.sleep(for: .milliseconds(20))
        let mock = SyscallMock()
        mock.inject(errno, into: .read)
        await #expect(throws: SerialError.disconnected(path: pty.slavePath)) {
            _ = try await SyscallMock.$current.withValue(mock) { try await port.read(maxCount: 4, timeout: .seconds(1)) }
        }
        await port.close()
        await pty.close()
    }

    @Test("EIO from write means disconnected; other write errors are .system with the call")
    func writeErrors() async throws {
        let (pty, port) = try await openedPair()
        let eio = SyscallMock()
        eio.inject(.ioError, into: .write)
        await #expect(throws: SerialError.disconnected(path: pty.slavePath)) {
            try await SyscallMock.$current.withValue(eio) { try await port.write([1]) }
        }
        let nospace = SyscallMock()
        nospace.inject(.noSpace, into: .write)
        await #expect(throws: SerialError.system(.noSpace, call: "write", path: pty.slavePath)) {
            try await SyscallMock.$current.withValue(nospace) { try await port.write([1]) }
        }
        await port.close()
        await pty.close()
    }
}
#endif
