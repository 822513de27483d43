// The operations on one open terminal descriptor that SerialPort and PseudoTerminalPair share:
// open with locking, raw-mode configuration, and reads/writes with deadlines over poll(2).
// Every errno is turned into a `SerialError` here; callers never see one.
//
// Synchronous and blocking by design: it runs only on an actor's `DedicatedThreadExecutor`.

import Glibc
import SystemPackage

struct TerminalDescriptor: Sendable {
    let fd: CInt
    /// The device path, for error messages.
    let path: String

    // MARK: open and close

    /// open(2) with O_RDWR|O_NONBLOCK|O_NOCTTY|O_CLOEXEC, then flock(2) LOCK_EX|LOCK_NB and
    /// ioctl(TIOCEXCL). ENOTTY from TIOCEXCL is tolerated (umockdev's emulated ttys give it).
    static func openDevice(path: String) throws(SerialError) -> TerminalDescriptor {
        let flags = O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        let fd: CInt
        switch valueOrErrno(retryOnInterrupt: true, { system_open(path, flags) }) {
        case .success(let value): fd = value
        case .failure(let errno): throw openError(errno, path: path)
        }
        let descriptor = TerminalDescriptor(fd: fd, path: path)
        do throws(SerialError) {
            try descriptor.lockExclusively()
        } catch {
            descriptor.close()
            throw error
        }
        return descriptor
    }

    static func openError(_ errno: Errno, path: String) -> SerialError {
        switch errno {
        case .noSuchFileOrDirectory, .operationNotSupportedByDevice, .noSuchAddressOrDevice: .notFound(path: path)
        case .permissionDenied, .notPermitted: .permissionDenied(path: path)
        case .resourceBusy: .busy(path: path)
        default: .system(errno, call: "open", path: path)
        }
    }

    /// flock(LOCK_EX|LOCK_NB) (advisory, honoured by pyserial, minicom, …) and TIOCEXCL (refuses
    /// further open(2)s by non-root processes).
    func lockExclusively() throws(SerialError) {
        switch nothingOrErrno(retryOnInterrupt: true, { system_flock(fd, LOCK_EX | LOCK_NB) }) {
        case .success: break
        case .failure(.wouldBlock): throw .busy(path: path)
        case .failure(let errno): throw .system(errno, call: "flock", path: path)
        }
        switch nothingOrErrno(retryOnInterrupt: true, { system_ioctl(fd, CInt(TIOCEXCL)) }) {
        case .success, .failure(.inappropriateIOCTLForDevice): break
        case .failure(let errno): throw .system(errno, call: "ioctl(TIOCEXCL)", path: path)
        }
    }

    /// ioctl(TIOCNXCL) (errors ignored: the device may be gone) and close(2), which also releases
    /// the flock. close is not retried on EINTR: Linux releases the descriptor regardless.
    func close() {
        _ = system_ioctl(fd, CInt(TIOCNXCL))
        _ = nothingOrErrno(retryOnInterrupt: false) { system_close(fd) }
    }

    /// close(2) without leaving exclusive mode (for a pty master, whose slave may be in use).
    func closeOnly() {
        _ = nothingOrErrno(retryOnInterrupt: false) { system_close(fd) }
    }

    // MARK: termios

    /// tcgetattr(3).
    func attributes() throws(SerialError) -> termios {
        var attributes = termios()
        switch nothingOrErrno(retryOnInterrupt: true, { system_tcgetattr(fd, &attributes) }) {
        case .success: return attributes
        case .failure(.inappropriateIOCTLForDevice): throw .notATerminal(path: path)
        case .failure(let errno): throw .system(errno, call: "tcgetattr", path: path)
        }
    }

    /// tcgetattr(3), `rawAttributes` (VMIN = VTIME = 0: reads never block, we wait in poll), then
    /// tcsetattr(TCSANOW); a speed with no `B…` constant is then set through termios2 (TCSETS2,
    /// BOTHER), after tcsetattr, which would otherwise overwrite it.
    func configure(_ configuration: SerialPort.Configuration) throws(SerialError) {
        guard configuration.baudRate > 0, configuration.baudRate <= Int(UInt32.max) else {
            throw .unsupportedBaudRate(path: path, baudRate: configuration.baudRate)
        }
        let standard = Self.standardSpeed(configuration.baudRate)
        let raw = Self.rawAttributes(from: try attributes(), configuration, speed: standard)
        switch nothingOrErrno(retryOnInterrupt: true, { system_tcsetattr(fd, TCSANOW, raw) }) {
        case .success: break
        case .failure(let errno): throw .system(errno, call: "tcsetattr", path: path)
        }
        if standard == nil {
            let baud = UInt32(configuration.baudRate)
            switch nothingOrErrno(retryOnInterrupt: true, { system_setCustomBaud(fd, baud) }) {
            case .success: break
            case .failure(.invalidArgument), .failure(.inappropriateIOCTLForDevice):
                throw .unsupportedBaudRate(path: path, baudRate: configuration.baudRate)
            case .failure(let errno): throw .system(errno, call: "ioctl(TCSETS2)", path: path)
            }
        }
    }

    /// `attributes` made raw (cfmakeraw) with CLOCAL|CREAD, the configured character format and
    /// flow control, VMIN = VTIME = 0, and `speed` if it is a standard one. Pure: no system call.
    /// (A pty forces CS8 and clears PARENB in the kernel, so only this function can show the
    /// character-format bits are right.)
    static func rawAttributes(
        from attributes: termios, _ configuration: SerialPort.Configuration, speed: speed_t?
    ) -> termios {
        var t = attributes
        cfmakeraw(&t)
        t.c_cflag |= flag(CLOCAL) | flag(CREAD)
        t.c_cflag &= ~(flag(CSIZE) | flag(PARENB) | flag(PARODD) | flag(CSTOPB) | flag(CRTSCTS))
        t.c_iflag &= ~(flag(IXON) | flag(IXOFF) | flag(IXANY) | flag(INPCK))
        switch configuration.dataBits {
        case .five: t.c_cflag |= flag(CS5)
        case .six: t.c_cflag |= flag(CS6)
        case .seven: t.c_cflag |= flag(CS7)
        case .eight: t.c_cflag |= flag(CS8)
        }
        switch configuration.parity {
        case .none: break
        case .even: t.c_cflag |= flag(PARENB); t.c_iflag |= flag(INPCK)
        case .odd: t.c_cflag |= flag(PARENB) | flag(PARODD); t.c_iflag |= flag(INPCK)
        }
        if configuration.stopBits == .two { t.c_cflag |= flag(CSTOPB) }
        switch configuration.flowControl {
        case .none: break
        case .hardware: t.c_cflag |= flag(CRTSCTS)
        case .software: t.c_iflag |= flag(IXON) | flag(IXOFF)
        }
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        if let speed {
            cfsetispeed(&t, speed)
            cfsetospeed(&t, speed)
        }
        return t
    }

    /// The output speed in bit/s as the kernel reports it (ioctl TCGETS2), whatever way it was set.
    func baudRate() throws(SerialError) -> Int {
        switch valueOrErrno(retryOnInterrupt: true, { system_getCustomBaud(fd) }) {
        case .success(let baud): return Int(baud)
        case .failure(let errno): throw .system(errno, call: "ioctl(TCGETS2)", path: path)
        }
    }

    /// The `B…` constant for a standard speed, or nil.
    static func standardSpeed(_ baudRate: Int) -> speed_t? {
        let table: [Int: CInt] = [
            50: B50, 75: B75, 110: B110, 134: B134, 150: B150, 200: B200, 300: B300, 600: B600,
            1200: B1200, 1800: B1800, 2400: B2400, 4800: B4800, 9600: B9600, 19200: B19200,
            38400: B38400, 57600: B57600, 115_200: B115200, 230_400: B230400, 460_800: B460800,
            500_000: B500000, 576_000: B576000, 921_600: B921600, 1_000_000: B1000000,
            1_152_000: B1152000, 1_500_000: B1500000, 2_000_000: B2000000, 2_500_000: B2500000,
            3_000_000: B3000000, 3_500_000: B3500000, 4_000_000: B4000000,
        ]
        return table[baudRate].map { speed_t($0) }
    }

    /// tcdrain(3): waits until everything written has been transmitted.
    func drain() throws(SerialError) {
        switch nothingOrErrno(retryOnInterrupt: true, { system_tcdrain(fd) }) {
        case .success: break
        case .failure(let errno) where Self.meansDisconnected(errno): throw .disconnected(path: path)
        case .failure(let errno): throw .system(errno, call: "tcdrain", path: path)
        }
    }

    /// tcflush(3).
    func flush(_ queue: SerialPort.FlushQueue) throws(SerialError) {
        let selector: CInt = switch queue {
        case .input: CInt(TCIFLUSH)
        case .output: CInt(TCOFLUSH)
        case .both: CInt(TCIOFLUSH)
        }
        switch nothingOrErrno(retryOnInterrupt: true, { system_tcflush(fd, selector) }) {
        case .success: break
        case .failure(let errno) where Self.meansDisconnected(errno): throw .disconnected(path: path)
        case .failure(let errno): throw .system(errno, call: "tcflush", path: path)
        }
    }

    // MARK: reading and writing

    /// The errnos that mean the device is gone: EIO (USB serial unplugged, pty peer closed),
    /// ENXIO, ENODEV, EPIPE.
    static func meansDisconnected(_ errno: Errno) -> Bool {
        errno == .ioError || errno == .noSuchAddressOrDevice || errno == .operationNotSupportedByDevice || errno == .brokenPipe
    }

    /// One read(2) of at most `maxCount` bytes; `[]` means end of file.
    func readOnce(maxCount: Int, retryOnInterrupt: Bool) -> Result<[UInt8], Errno> {
        var failure: Errno?
        let bytes = [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, count in
            switch valueOrErrno(retryOnInterrupt: retryOnInterrupt, { system_read(fd, UnsafeMutableRawBufferPointer(buffer)) }) {
            case .success(let n): count = n
            case .failure(let errno): count = 0; failure = errno
            }
        }
        if let failure { return .failure(failure) }
        return .success(bytes)
    }

    /// Waits up to `timeout` for data, then returns what one read(2) gives (at most `maxCount`
    /// bytes); `[]` if nothing arrived in time. Disconnection: POLLHUP/POLLERR without data, EIO,
    /// or readable with 0 bytes.
    func readAvailable(maxCount: Int, timeout: Duration, wake: WakeSignal?) throws(SerialError) -> [UInt8] {
        guard maxCount > 0 else { return [] }
        let deadline = Self.deadline(after: timeout)
        while true {
            let revents: Int16
            switch try wait(for: Int16(POLLIN), until: deadline, wake: wake) {
            case .timedOut: return []
            case .woken: throw .cancelled(path: path)
            case .ready(let events): revents = events
            }
            if revents & Int16(POLLNVAL) != 0 { throw .system(.badFileDescriptor, call: "poll", path: path) }
            if revents & Int16(POLLIN) != 0 {
                switch readOnce(maxCount: min(maxCount, Self.largestRead), retryOnInterrupt: true) {
                case .success(let bytes) where bytes.isEmpty: throw .disconnected(path: path)
                case .success(let bytes): return bytes
                case .failure(.wouldBlock): continue
                case .failure(let errno) where Self.meansDisconnected(errno): throw .disconnected(path: path)
                case .failure(let errno): throw .system(errno, call: "read", path: path)
                }
            }
            if revents & Int16(POLLHUP | POLLERR) != 0 { throw .disconnected(path: path) }
        }
    }

    /// Writes all of `bytes`, waiting in poll(POLLOUT) while the kernel's buffer is full, and gives
    /// up with `.timedOut` once `timeout` has passed.
    func writeAll(_ bytes: [UInt8], timeout: Duration, wake: WakeSignal?) throws(SerialError) {
        let deadline = Self.deadline(after: timeout)
        var offset = 0
        while offset < bytes.count {
            let start = offset
            let result = bytes.withUnsafeBytes { raw in
                valueOrErrno(retryOnInterrupt: true) { system_write(fd, UnsafeRawBufferPointer(rebasing: raw[start...])) }
            }
            switch result {
            case .success(let n) where n > 0:
                offset += n
                continue
            case .success, .failure(.wouldBlock):
                break  // buffer full: wait below
            case .failure(let errno) where Self.meansDisconnected(errno):
                throw .disconnected(path: path)
            case .failure(let errno):
                throw .system(errno, call: "write", path: path)
            }
            switch try wait(for: Int16(POLLOUT), until: deadline, wake: wake) {
            case .timedOut: throw .timedOut(path: path, call: "write", timeout: timeout)
            case .woken: throw .cancelled(path: path)
            case .ready(let revents):
                if revents & Int16(POLLOUT) == 0 && revents & Int16(POLLHUP | POLLERR) != 0 {
                    throw .disconnected(path: path)
                }
            }
        }
    }

    enum Readiness: Equatable {
        case ready(Int16)
        case timedOut
        case woken
    }

    /// poll(2) on this descriptor (and `wake`, if given) until `events`, `deadline` or a wake-up.
    /// EINTR is retried with the time that remains.
    func wait(for events: Int16, until deadline: ContinuousClock.Instant, wake: WakeSignal?) throws(SerialError) -> Readiness {
        while true {
            var fds = [pollfd(fd: fd, events: events, revents: 0)]
            if let wake { fds.append(pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)) }
            let result = valueOrErrno(retryOnInterrupt: true) {
                system_poll(&fds, Self.milliseconds(until: deadline))
            }
            switch result {
            case .failure(let errno): throw .system(errno, call: "poll", path: path)
            case .success(0):
                if ContinuousClock.now >= deadline { return .timedOut }
            case .success:
                if fds.count > 1, fds[1].revents != 0 { return .woken }
                if fds[0].revents != 0 { return .ready(fds[0].revents) }
            }
        }
    }

    /// The most one read asks for: a tty hands over at most its 4 KiB line-discipline buffer per
    /// read(2) anyway, so a larger buffer would only be allocated to stay empty.
    static let largestRead = 65_536

    /// `now + timeout`, with the timeout clamped to [0, 1 year] so the sum cannot overflow.
    static func deadline(after timeout: Duration) -> ContinuousClock.Instant {
        let clamped = min(max(timeout, .zero), .seconds(365 * 86_400))
        return ContinuousClock.now.advanced(by: clamped)
    }

    /// The poll(2) timeout for `deadline`: rounded up to whole milliseconds so we never wake early,
    /// 0 once it has passed.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> CInt {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return CInt(clamping: millis)
    }
}

/// A termios flag constant as `tcflag_t`, whatever integer type Glibc imported it as.
@inline(__always)
private func flag<I: BinaryInteger>(_ value: I) -> tcflag_t { tcflag_t(truncatingIfNeeded: value) }
