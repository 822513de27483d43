import CSerial
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serves a ``ReaderEngine`` on a pseudo-terminal, so host software (the driver, `tld`, `picocom`)
/// talks to it exactly as to a reader on a USB-serial port.
///
/// The pty comes from `cserial_open_pty` (posix_openpt + grantpt + unlockpt, ptsname_r, the slave set
/// raw 115200 8N1 once: master and slave share one termios), the simulators' one pty opener. A dedicated thread — not Swift's
/// cooperative pool — polls the master, feeds the engine and writes its replies, advancing the engine's
/// clock with the monotonic clock. When the host closes the slave, reading the master gives EIO; the
/// server keeps serving until ``stop()`` so a new host may open the slave again. ``stop()`` closes the
/// master: an open host then sees a hang-up.
///
/// An `unplug` fault of the scenario makes the server hang up the same way, wait the fault's time, and
/// come back on a **new** pseudo-terminal with the same engine (the reader kept running). With a
/// `linkPath`, the server keeps a symbolic link there pointing at the current slave (like socat's
/// `link=`), so a host can re-open the same path after the re-plug.
/// ```swift
/// let server = try PtyReaderServer(engine: ReaderEngine(scenario: try Scenario.builtin(), statePath: path))
/// let device = try server.start()   // e.g. /dev/pts/5
/// …
/// server.stop()
/// ```
public final class PtyReaderServer: @unchecked Sendable {
    // @unchecked: every mutable field below is only touched while holding `lock`.
    private let lock = NSLock()
    private var engine: ReaderEngine
    private var masterFD: Int32 = -1
    private var running = false
    private var path: String?
    private var exited: DispatchSemaphore?
    private var clockOrigin: UInt64 = 0
    private var engineOrigin: SimulatedInstant = .zero
    private var replugs = 0
    /// Where the server keeps a symbolic link to the current slave, if anywhere.
    public let linkPath: String?

    /// A descriptor served instead of a new pty (see ``init(engine:descriptor:devicePath:)``).
    private let givenDescriptor: Int32?

    public init(engine: ReaderEngine, linkPath: String? = nil) {
        self.engine = engine
        self.linkPath = linkPath
        self.givenDescriptor = nil
    }

    /// Serves an existing descriptor instead of a new pseudo-terminal: the simulator's end of a
    /// umockdev-emulated `/dev/ttyUSB0` (`umockdev_testbed_get_dev_fd`), which the test bed owns and
    /// closes itself. ``stop()`` (and an `unplug` fault, which then does not come back by itself)
    /// hangs the device up by replacing the descriptor with /dev/null (dup2), so its number stays taken
    /// until its owner closes it. The descriptor is made non-blocking; nothing else is configured.
    public init(engine: ReaderEngine, descriptor: Int32, devicePath: String) {
        self.engine = engine
        self.linkPath = nil
        self.givenDescriptor = descriptor
        self.path = devicePath
    }

    deinit {
        if masterFD >= 0 { hangUp(masterFD) }
    }

    /// The slave device the host opens (e.g. `/dev/pts/5`), nil when not running.
    public var devicePath: String? { lock.withLock { path } }

    /// Whether the serving thread is running.
    public var isRunning: Bool { lock.withLock { running } }

    /// How often an `unplug` fault made the server hang up and come back.
    public var replugCount: Int { lock.withLock { replugs } }

    /// Runs `body` on the engine under the server's lock (to inspect it, e.g. its status).
    public func withEngine<T>(_ body: (inout ReaderEngine) -> T) -> T {
        lock.withLock { body(&engine) }
    }

    /// Opens the pseudo-terminal, configures the slave raw and starts serving.
    /// - Returns: the slave path.
    /// - Throws: ``PtyServerError`` when the pty cannot be opened or configured, or the server runs already.
    @discardableResult
    public func start() throws(PtyServerError) -> String {
        lock.lock()
        defer { lock.unlock() }
        guard !running else { throw .alreadyStarted }
        let (fd, slave): (Int32, String)
        if let given = givenDescriptor {
            guard given >= 0 else { throw .openMasterFailed(errno: EBADF) }
            _ = fcntl(given, F_SETFL, fcntl(given, F_GETFL) | O_NONBLOCK)
            (fd, slave) = (given, path ?? "")
        } else {
            (fd, slave) = try Self.openPseudoTerminal()
        }
        if let linkPath { Self.pointLink(linkPath, at: slave) }
        masterFD = fd
        path = slave
        running = true
        clockOrigin = Self.monotonicNanoseconds()
        engineOrigin = engine.now
        let done = DispatchSemaphore(value: 0)
        exited = done
        let thread = Thread { [self] in
            serve(fd: fd)
            done.signal()
        }
        thread.name = "tl-reader-sim pty"
        thread.start()
        return slave
    }

    /// Stops serving and closes the master (the host sees a hang-up). Waits for the thread to finish.
    public func stop() {
        let done: DispatchSemaphore? = lock.withLock {
            guard running else { return nil }
            running = false
            return exited
        }
        done?.wait()
        lock.withLock {
            if masterFD >= 0 { hangUp(masterFD) }
            masterFD = -1
            path = nil
            exited = nil
            if let linkPath { unlink(linkPath) }
        }
    }

    /// close(2) our pty master; for a descriptor owned elsewhere, dup2(/dev/null) over it instead.
    private func hangUp(_ fd: Int32) {
        guard givenDescriptor != nil else { close(fd); return }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 {
            _ = dup2(null, fd)
            close(null)
        }
    }

    /// `cserial_open_pty` (the slave set raw and closed again), the master non-blocking.
    private static func openPseudoTerminal() throws(PtyServerError) -> (Int32, String) {
        var name = [CChar](repeating: 0, count: 128)
        var failed: UnsafePointer<CChar>?
        let fd = cserial_open_pty(&name, UInt(name.count), nil, &failed)
        let slave = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard fd >= 0 else {
            let e = errno
            switch failed.map({ String(cString: $0) }) {
            case "posix_openpt"?: throw .openMasterFailed(errno: e)
            case "ptsname_r"?: throw .slaveNameFailed(errno: e)
            case let step: throw .configureSlaveFailed(path: slave, step: step ?? "?", errno: e)
            }
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        return (fd, slave)
    }

    /// Replaces the symbolic link at `link` by one to `target` (symlink(2) beside it, then rename(2)).
    private static func pointLink(_ link: String, at target: String) {
        let temp = link + ".new"
        unlink(temp)
        if symlink(target, temp) == 0 { rename(temp, link) }
    }

    /// The `unplug` fault: hang up (close the master), stay away `milliseconds`, come back on a new
    /// pseudo-terminal. Returns the new master, or nil when the server was stopped meanwhile.
    private func replug(closing fd: Int32, milliseconds: Double) -> Int32? {
        lock.withLock {
            hangUp(fd)
            masterFD = -1
            path = nil
            if let linkPath { unlink(linkPath) }
        }
        if givenDescriptor != nil { return nil }  // the test bed's owner plugs the device in again
        let clock = ContinuousClock()
        let back = clock.now.advanced(by: .milliseconds(Int64(milliseconds.rounded())))
        while clock.now < back {
            guard lock.withLock({ running }) else { return nil }
            usleep(5_000)
        }
        guard let (newFD, slave) = try? Self.openPseudoTerminal() else { return nil }
        return lock.withLock {
            guard running else { close(newFD); return nil }
            masterFD = newFD
            path = slave
            replugs += 1
            if let linkPath { Self.pointLink(linkPath, at: slave) }
            return newFD
        }
    }

    // MARK: serving thread

    private func serve(fd initialFD: Int32) {
        var fd = initialFD
        var buffer = [UInt8](repeating: 0, count: 4096)
        while lock.withLock({ running }) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 10)
            if ready > 0 && pfd.revents & Int16(POLLIN) != 0 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    let bytes = Array(buffer[0..<n])
                    let (reply, unplug) = lock.withLock {
                        (engine.receive(bytes, now: instantNow()), engine.takeUnplugRequest())
                    }
                    if !reply.isEmpty { writeAll(fd: fd, reply) }
                    if let unplug {
                        guard let next = replug(closing: fd, milliseconds: unplug) else { return }
                        fd = next
                    }
                    continue
                }
                if n < 0 && errno != EAGAIN && errno != EINTR { usleep(20_000) }  // EIO: no host has the slave open
            } else if ready > 0 {
                usleep(20_000)  // POLLHUP: no host has the slave open
            }
            let due = lock.withLock {
                engine.advance(to: instantNow())
                return engine.takeDueOutput()
            }
            if !due.isEmpty { writeAll(fd: fd, due) }
        }
    }

    /// Writes all bytes, waiting up to about a second for room; gives up when the host is gone.
    private func writeAll(fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        var waits = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { raw in write(fd, raw.baseAddress, raw.count) }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EINTR) && waits < 100 {
                waits += 1
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 10)
                continue
            }
            return
        }
    }

    /// Must be called with `lock` held.
    private func instantNow() -> SimulatedInstant {
        let elapsed = Self.monotonicNanoseconds() &- clockOrigin
        return SimulatedInstant(nanoseconds: engineOrigin.nanoseconds &+ elapsed)
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
