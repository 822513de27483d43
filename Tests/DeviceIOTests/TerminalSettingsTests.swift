import Glibc
import Testing
@testable import DeviceIO

/// Reads the termios back after `SerialPort.open` configured it.
@Suite("Raw mode and line settings, read back from the kernel")
struct TerminalSettingsTests {
    private func has(_ flags: tcflag_t, _ bit: some BinaryInteger) -> Bool {
        flags & tcflag_t(truncatingIfNeeded: bit) != 0
    }

    @Test("default configuration: raw, 8N1, CLOCAL|CREAD, no flow control, 115200")
    func defaultIsRaw8N1() async throws {
        let (pty, port) = try await openedPair()
        let t = try await port.currentAttributes()
        // raw: no line editing, echo, signals, translations or output processing
        for bit in [ICANON, ECHO, ECHONL, ISIG, IEXTEN]  // (cfmakeraw leaves ECHOE, inert without ICANON)
        { #expect(!has(t.c_lflag, bit)) }
        for bit in [ICRNL, INLCR, IGNCR, ISTRIP, IXON, IXOFF, IXANY, BRKINT, PARMRK, INPCK] { #expect(!has(t.c_iflag, bit)) }
        #expect(!has(t.c_oflag, OPOST))
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(has(t.c_cflag, CLOCAL) && has(t.c_cflag, CREAD))
        #expect(!has(t.c_cflag, PARENB) && !has(t.c_cflag, CSTOPB) && !has(t.c_cflag, CRTSCTS))
        var copy = t
        #expect(cfgetospeed(&copy) == speed_t(B115200))
        #expect(cfgetispeed(&copy) == speed_t(B115200))
        let (vmin, vtime) = withUnsafeBytes(of: t.c_cc) { ($0[Int(VMIN)], $0[Int(VTIME)]) }
        #expect(vmin == 0 && vtime == 0)
        #expect(try await port.currentBaudRate() == 115_200)
        await port.close()
        await pty.close()
    }

    @Test("stop bits and flow control reach the kernel (a pty keeps them)", arguments: [
        (SerialPort.StopBits.two, SerialPort.FlowControl.hardware),
        (.one, .software), (.two, .none),
    ])
    func stopBitsAndFlowControl(stopBits: SerialPort.StopBits, flow: SerialPort.FlowControl) async throws {
        let (pty, port) = try await openedPair(.init(baudRate: 9600, stopBits: stopBits, flowControl: flow))
        let t = try await port.currentAttributes()
        #expect(has(t.c_cflag, CSTOPB) == (stopBits == .two))
        #expect(has(t.c_cflag, CRTSCTS) == (flow == .hardware))
        #expect(has(t.c_iflag, IXON) == (flow == .software))
        #expect(has(t.c_iflag, IXOFF) == (flow == .software))
        #expect(try await port.currentBaudRate() == 9600)
        await port.close()
        await pty.close()
    }

    @Test("a pty forces CS8 and no parity (kernel pty_set_termios): documented, so no one trusts a pty for 7E1")
    func ptyForcesCS8() async throws {
        let (pty, port) = try await openedPair(.init(dataBits: .seven, parity: .even))
        let t = try await port.currentAttributes()
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(!has(t.c_cflag, PARENB))
        #expect(has(t.c_iflag, INPCK))  // the input flag is ours and stays
        await port.close()
        await pty.close()
    }

    @Test("character format bits, computed without a device", arguments: SerialPort.DataBits.allCases, SerialPort.Parity.allCases)
    func characterFormat(dataBits: SerialPort.DataBits, parity: SerialPort.Parity) {
        var cooked = termios()
        cooked.c_lflag = tcflag_t(ICANON | ECHO | ISIG)
        cooked.c_iflag = tcflag_t(ICRNL | IXON)
        cooked.c_cflag = tcflag_t(CS8 | PARENB | PARODD | CSTOPB)
        let t = TerminalDescriptor.rawAttributes(
            from: cooked, .init(dataBits: dataBits, parity: parity), speed: speed_t(B38400))
        let size: [SerialPort.DataBits: CInt] = [.five: CS5, .six: CS6, .seven: CS7, .eight: CS8]
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(size[dataBits] ?? -1))
        #expect(has(t.c_cflag, PARENB) == (parity != .none))
        #expect(has(t.c_cflag, PARODD) == (parity == .odd))
        #expect(has(t.c_iflag, INPCK) == (parity != .none))
        #expect(!has(t.c_cflag, CSTOPB))
        #expect(!has(t.c_lflag, ICANON) && !has(t.c_lflag, ECHO) && !has(t.c_iflag, ICRNL) && !has(t.c_iflag, IXON))
        var copy = t
        #expect(cfgetospeed(&copy) == speed_t(B38400))
    }

    @Test("standard and non-standard speeds read back exactly", arguments: [
        300, 9600, 57_600, 115_200, 921_600, 4_000_000,  // B… constants
        250_000, 31_250, 1_234_567,                      // termios2 BOTHER
    ])
    func speeds(baudRate: Int) async throws {
        let (pty, port) = try await openedPair(.init(baudRate: baudRate))
        #expect(try await port.currentBaudRate() == baudRate)
        #expect((TerminalDescriptor.standardSpeed(baudRate) != nil) == [300, 9600, 57_600, 115_200, 921_600, 4_000_000].contains(baudRate))
        await port.close()
        await pty.close()
    }

    @Test("a speed that is not positive is refused before any call", arguments: [0, -9600])
    func badSpeed(baudRate: Int) async throws {
        let pty = try await PseudoTerminalPair.open()
        await #expect(throws: SerialError.unsupportedBaudRate(path: pty.slavePath, baudRate: baudRate)) {
            _ = try await SerialPort.open(path: pty.slavePath, configuration: .init(baudRate: baudRate))
        }
        // and the failed open released the lock
        let port = try await SerialPort.open(path: pty.slavePath)
        await port.close()
        await pty.close()
    }
}
