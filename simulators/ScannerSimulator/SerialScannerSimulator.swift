import CSerial
import Glibc
import Synchronization

/// A barcode scanner in serial mode, on a pseudo-terminal (or on any descriptor whose other end a
/// driver reads, such as the simulator side of a umockdev-emulated `/dev/ttyACM0`).
///
///     let scanner = try SerialScannerSimulator.openPseudoTerminal()
///     // driver: SerialPort.open(path: scanner.devicePath)
///     scanner.scan(SimulatedScan(code: "12345674"))
///     scanner.unplug()   // the driver sees a hang-up
///
/// Writes are small and go straight to the descriptor (blocking at most for the kernel to take a
/// few dozen bytes), so this needs no thread of its own.
public final class SerialScannerSimulator: Sendable {
    /// What the driver opens: the pty slave, or the emulated device node.
    public let devicePath: String
    /// Sent after each code.
    public let suffix: [UInt8]
    /// The simulator's descriptor and, for a pty, the slave kept open; -1 once unplugged.
    private let descriptors: Mutex<(fd: CInt, slave: CInt)>
    private let ownedElsewhere: Bool

    /// Serves a new pseudo-terminal (`cserial_open_pty`, the simulators' one pty opener); the slave is
    /// kept open, in raw mode, so that nothing is echoed or line-edited before a driver opens it.
    public static func openPseudoTerminal(suffix: [UInt8] = [0x0D]) throws(SimulatorError) -> SerialScannerSimulator {
        var name = [CChar](repeating: 0, count: 128)
        var slave: CInt = -1
        var failed: UnsafePointer<CChar>?
        let master = cserial_open_pty(&name, UInt(name.count), &slave, &failed)
        guard master >= 0 else { throw .system(call: failed.map { String(cString: $0) } ?? "posix_openpt", errno: errno) }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return SerialScannerSimulator(fd: master, slaveFD: slave, devicePath: path, suffix: suffix)
    }

    /// Writes scans to `fd`, for a driver that opens `devicePath`.
    ///
    /// - Parameter ownedElsewhere: false: this object owns `fd` and closes it. true: `fd` belongs
    ///   to someone else (a umockdev test bed's `umockdev_testbed_get_dev_fd`, which closes it
    ///   itself later); `unplug()` then hangs the device up by replacing `fd` with /dev/null
    ///   (dup2), so the descriptor number stays taken and its owner's later close(2) cannot hit a
    ///   descriptor the process has reused meanwhile.
    public convenience init(writingTo fd: CInt, devicePath: String, suffix: [UInt8] = [0x0D], ownedElsewhere: Bool = false) {
        self.init(fd: fd, slaveFD: -1, devicePath: devicePath, suffix: suffix, ownedElsewhere: ownedElsewhere)
    }

    private init(fd: CInt, slaveFD: CInt, devicePath: String, suffix: [UInt8], ownedElsewhere: Bool = false) {
        self.descriptors = Mutex((fd, slaveFD))
        self.devicePath = devicePath
        self.suffix = suffix
        self.ownedElsewhere = ownedElsewhere
    }

    deinit { unplug() }

    /// Sends one scan: `[AIM] code suffix`.
    public func scan(_ scan: SimulatedScan) throws(SimulatorError) {
        try send(scan.serialBytes(suffix: suffix))
    }

    /// Sends raw bytes (noise, a half code, a code without suffix).
    public func send(_ bytes: [UInt8]) throws(SimulatorError) {
        try descriptors.withLock { (descriptors) throws(SimulatorError) in
            try Self.writeAll(bytes, to: descriptors.fd)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: CInt) throws(SimulatorError) {
        guard fd >= 0 else { throw .unplugged }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN { usleep(1000); continue }
                throw .system(call: "write", errno: e)
            }
            offset += written
        }
    }

    /// Closes the device side: the driver's next read sees a hang-up (POLLHUP, or 0 bytes).
    public func unplug() {
        descriptors.withLock { descriptors in
            if descriptors.fd >= 0 && ownedElsewhere {
                let null = open("/dev/null", O_RDWR | O_CLOEXEC)
                if null >= 0 {
                    _ = dup2(null, descriptors.fd)
                    close(null)
                }
                descriptors.fd = -1
            }
            if descriptors.fd >= 0 { close(descriptors.fd); descriptors.fd = -1 }
            if descriptors.slave >= 0 { close(descriptors.slave); descriptors.slave = -1 }
        }
    }
}

/// Why the simulator could not do something.
public enum SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    case system(call: String, errno: CInt)
    case unplugged

    public var description: String {
        switch self {
        case .system(let call, let errno): "\(call) failed: \(String(cString: strerror(errno)))"
        case .unplugged: "the simulated scanner was unplugged"
        }
    }
}
