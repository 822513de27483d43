import Glibc

/// One open serial device: a USB-serial adapter (`/dev/ttyUSB0`, `/dev/ttyACM0`), a udev symlink
/// to one, or the slave side of a pseudo-terminal served by a simulator.
///
///     let port = try await SerialPort.open(path: "/dev/ttyUSB0", configuration: .init(baudRate: 115200))
///     try await port.write([0x02, 0x41, 0x03])
///     let reply = try await port.read(maxCount: 4096, timeout: .milliseconds(200))
///     await port.close()
///
/// The port is an actor running on its own thread (see `DedicatedThreadExecutor`), so its blocking
/// poll(2) calls never hold a thread of Swift's cooperative pool. It never asks `isatty`: umockdev's
/// emulated `ttyUSB` nodes are not ttys to it, yet work.
///
/// Calls run one at a time, in the order the actor receives them: a `write` from one task waits
/// while a `read` from another is blocked in poll(2), for at most that read's timeout. Keep read
/// timeouts short (tens to a few hundred milliseconds) when several tasks share a port.
///
/// Unplugging is reported as `SerialError.disconnected` by `read`, `write`, `drain` and `flush`;
/// input not yet read when the line hangs up is discarded by the kernel. Closing releases the
/// lock; a port that is not closed is closed when the actor is deinitialized.
public actor SerialPort {
    /// The path the port was opened with.
    public nonisolated let path: String
    /// The line settings applied at open.
    public nonisolated let configuration: Configuration

    private let lease: ExecutorLease
    private var descriptor: TerminalDescriptor?
    private var wake: WakeSignal?

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    private init(path: String, configuration: Configuration, lease: ExecutorLease) {
        self.path = path
        self.configuration = configuration
        self.lease = lease
    }

    deinit {
        descriptor?.close()
    }

    /// Opens and configures the device at `path`.
    ///
    /// Calls, in order: open(2) with `O_RDWR|O_NONBLOCK|O_NOCTTY|O_CLOEXEC`; flock(2)
    /// `LOCK_EX|LOCK_NB`; ioctl(`TIOCEXCL`) (ENOTTY tolerated); tcgetattr(3), cfmakeraw(3),
    /// cfsetispeed/cfsetospeed, tcsetattr(3) `TCSANOW`; and for non-standard speeds
    /// ioctl(`TCSETS2`) with `BOTHER`. Only this (device or pty slave) side is configured.
    ///
    /// - Throws: `.notFound`, `.permissionDenied`, `.busy` (another process holds the lock or
    ///   exclusive mode), `.notATerminal`, `.unsupportedBaudRate`, or `.system`.
    public static func open(
        path: String, configuration: Configuration = Configuration()
    ) async throws(SerialError) -> SerialPort {
        guard let executor = DedicatedThreadExecutor.start() else {
            throw .system(.resourceTemporarilyUnavailable, call: "pthread_create", path: path)
        }
        let port = SerialPort(path: path, configuration: configuration, lease: ExecutorLease(executor))
        try await port.openDevice()
        return port
    }

    /// Runs on the port's thread, so a slow open(2) of a USB device blocks only that thread.
    private func openDevice() throws(SerialError) {
        let wake: WakeSignal
        do { wake = try WakeSignal() } catch { throw .system(error, call: "eventfd", path: path) }
        let device = try TerminalDescriptor.openDevice(path: path)
        do throws(SerialError) {
            try device.configure(configuration)
        } catch {
            device.close()
            throw error
        }
        self.descriptor = device
        self.wake = wake
    }

    private func requireOpen() throws(SerialError) -> (TerminalDescriptor, WakeSignal) {
        guard let descriptor, let wake else { throw .closed(path: path) }
        return (descriptor, wake)
    }

    /// Writes all of `bytes` (write(2), waiting in poll(2) for `POLLOUT` while the kernel buffer is
    /// full). Returns when the kernel has the bytes, not when they are on the wire: see `drain()`.
    ///
    /// - Throws: `.timedOut` if not all bytes were accepted within `timeout`, `.disconnected`,
    ///   `.cancelled`, `.closed`, or `.system`.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async throws(SerialError) {
        let (device, wake) = try requireOpen()
        try await whileCancellable(wake) { () throws(SerialError) in
            try device.writeAll(bytes, timeout: timeout, wake: wake)
        }
    }

    /// Waits up to `timeout` for input (poll(2) `POLLIN`) and returns what one read(2) gives, at
    /// most `maxCount` bytes (and at most 64 KiB). Returns an empty array if nothing arrived in
    /// time; never waits to fill `maxCount`. A `timeout` of `.zero` only looks.
    ///
    /// - Throws: `.disconnected` (POLLHUP/POLLERR, EIO, or readable with 0 bytes), `.cancelled` if
    ///   the task is cancelled while waiting, `.closed`, or `.system`.
    public func read(maxCount: Int, timeout: Duration) async throws(SerialError) -> [UInt8] {
        let (device, wake) = try requireOpen()
        return try await whileCancellable(wake) { () throws(SerialError) in
            try device.readAvailable(maxCount: maxCount, timeout: timeout, wake: wake)
        }
    }

    /// Blocks (on the port's thread) until everything written has been transmitted: tcdrain(3).
    public func drain() throws(SerialError) {
        try requireOpen().0.drain()
    }

    /// Discards received-but-unread and/or written-but-unsent bytes: tcflush(3).
    public func flush(_ queue: FlushQueue) throws(SerialError) {
        try requireOpen().0.flush(queue)
    }

    /// Leaves exclusive mode (ioctl `TIOCNXCL`) and closes the descriptor (close(2), which also
    /// releases the flock). Calling it again does nothing; other calls then throw `.closed`.
    public func close() {
        descriptor?.close()
        descriptor = nil
        wake = nil
    }

    /// Runs `body` (blocking, on this actor's thread) so that cancelling the task writes to `wake`,
    /// which ends the poll(2) inside `body` with `.cancelled`.
    ///
    /// The operation closure must stay on this actor: a closure that does not capture the
    /// isolated `self` is nonisolated, and withTaskCancellationHandler then runs it on the
    /// cooperative pool (measured: six 400 ms reads took 1.2 s on two pool threads).
    /// Calling the isolated `capture` without `await` makes the compiler check that it does.
    private func whileCancellable<T>(
        _ wake: WakeSignal, _ body: () throws(SerialError) -> T
    ) async throws(SerialError) -> T {
        wake.reset()
        if Task.isCancelled { throw .cancelled(path: path) }
        let result: Result<T, SerialError> = await withTaskCancellationHandler {
            return self.capture(body)
        } onCancel: {
            wake.signal()
        }
        return try result.get()
    }

    private func capture<T>(_ body: () throws(SerialError) -> T) -> Result<T, SerialError> {
        do throws(SerialError) { return .success(try body()) } catch { return .failure(error) }
    }

    /// The terminal attributes as the kernel holds them now (tcgetattr(3)); for tests.
    func currentAttributes() throws(SerialError) -> termios { try requireOpen().0.attributes() }
    /// The speed as the kernel reports it (ioctl TCGETS2); for tests.
    func currentBaudRate() throws(SerialError) -> Int { try requireOpen().0.baudRate() }
}
