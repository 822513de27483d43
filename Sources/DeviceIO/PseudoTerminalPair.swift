import Glibc

/// A pseudo-terminal: a master this object owns, and a slave path (`/dev/pts/N`) for a driver to
/// open with `SerialPort`. Used by tests and by simulators that serve a pty.
///
///     let pty = try await PseudoTerminalPair.open()
///     let port = try await SerialPort.open(path: pty.slavePath)
///     try await pty.write([0x06])                      // the "device" answers
///     let ack = try await port.read(maxCount: 1, timeout: .seconds(1))
///
/// At open the pair also opens the slave once and puts it in raw mode (cfmakeraw, no echo), and
/// keeps that descriptor until `close()`. That way bytes written to the master before a driver
/// opens the slave are neither echoed back nor line-edited, and the master does not see EIO
/// while no driver has the slave open. Master and slave share one termios, so the master side is
/// never configured (that would undo the slave's settings).
///
/// `close()` closes the master: a `SerialPort` on the slave then reports `.disconnected`, as it
/// would for an unplugged USB adapter. Like `SerialPort`, the pair runs on its own thread.
public actor PseudoTerminalPair {
    /// The slave device path, e.g. `/dev/pts/3`: what a driver opens.
    public nonisolated let slavePath: String

    private let lease: ExecutorLease
    private var master: TerminalDescriptor?
    private var slave: TerminalDescriptor?
    private let wake: WakeSignal

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    private init(master: TerminalDescriptor, slave: TerminalDescriptor, wake: WakeSignal, lease: ExecutorLease) {
        self.slavePath = slave.path
        self.master = master
        self.slave = slave
        self.wake = wake
        self.lease = lease
    }

    deinit {
        master?.closeOnly()
        slave?.closeOnly()
    }

    /// Opens a new pseudo-terminal: posix_openpt(3) with `O_RDWR|O_NOCTTY|O_CLOEXEC`, grantpt(3),
    /// unlockpt(3), ptsname_r(3); then open(2) of the slave with `O_NONBLOCK|O_NOCTTY` and raw mode
    /// on it (tcsetattr(3)). The master is made non-blocking (fcntl `O_NONBLOCK`). These calls do
    /// not block, so they run on the caller's thread; the pair's own thread starts last.
    public static func open() async throws(SerialError) -> PseudoTerminalPair {
        let what = "/dev/ptmx"
        let wake: WakeSignal
        do { wake = try WakeSignal() } catch { throw .system(error, call: "eventfd", path: what) }
        let masterFD: CInt
        switch valueOrErrno(retryOnInterrupt: true, { system_openPtyMaster() }) {
        case .success(let fd): masterFD = fd
        case .failure(let errno): throw .system(errno, call: "posix_openpt", path: what)
        }
        let slavePath: String
        switch system_ptsname(masterFD) {
        case .success(let name): slavePath = name
        case .failure(let errno):
            _ = system_close(masterFD)
            throw .system(errno, call: "ptsname_r", path: what)
        }
        let master = TerminalDescriptor(fd: masterFD, path: "\(slavePath) (pty master)")
        let slave: TerminalDescriptor
        do throws(SerialError) {
            try master.makeNonBlocking()
            slave = try TerminalDescriptor.openSlave(path: slavePath)
        } catch {
            master.closeOnly()
            throw error
        }
        guard let executor = DedicatedThreadExecutor.start() else {
            master.closeOnly()
            slave.closeOnly()
            throw .system(.resourceTemporarilyUnavailable, call: "pthread_create", path: what)
        }
        return PseudoTerminalPair(master: master, slave: slave, wake: wake, lease: ExecutorLease(executor))
    }

    private func requireOpen() throws(SerialError) -> TerminalDescriptor {
        guard let master else { throw .closed(path: slavePath) }
        return master
    }

    /// Writes all of `bytes` to the master (write(2), poll(2) `POLLOUT` while full): the driver on
    /// the slave reads them.
    ///
    /// - Throws: `.timedOut`, `.cancelled`, `.closed`, or `.system`.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async throws(SerialError) {
        let master = try requireOpen()
        let wake = self.wake
        try await whileCancellable { () throws(SerialError) in
            try master.writeAll(bytes, timeout: timeout, wake: wake)
        }
    }

    /// Waits up to `timeout` for what the driver wrote to the slave, and returns what one read(2)
    /// on the master gives (at most `maxCount` bytes); empty if nothing arrived in time.
    ///
    /// - Throws: `.cancelled`, `.closed`, `.disconnected` (cannot happen while the pair holds its
    ///   slave descriptor), or `.system`.
    public func read(maxCount: Int, timeout: Duration) async throws(SerialError) -> [UInt8] {
        let master = try requireOpen()
        let wake = self.wake
        return try await whileCancellable { () throws(SerialError) in
            try master.readAvailable(maxCount: maxCount, timeout: timeout, wake: wake)
        }
    }

    /// Whether the driver has written something the master can read, waiting up to `timeout`
    /// (poll(2) `POLLIN`). Reads nothing.
    public func waitForInput(timeout: Duration) async throws(SerialError) -> Bool {
        let master = try requireOpen()
        let wake = self.wake
        return try await whileCancellable { () throws(SerialError) in
            let deadline = TerminalDescriptor.deadline(after: timeout)
            switch try master.wait(for: Int16(POLLIN), until: deadline, wake: wake) {
            case .ready: return true
            case .timedOut: return false
            case .woken: throw .cancelled(path: slavePath)
            }
        }
    }

    /// Closes the master (close(2)) and the pair's own slave descriptor. A `SerialPort` still open
    /// on `slavePath` then sees a hang-up and reports `.disconnected`. Calling it again does nothing.
    public func close() {
        master?.closeOnly()
        master = nil
        slave?.closeOnly()
        slave = nil
    }

    /// As `SerialPort.whileCancellable`: `body` runs on this actor's thread (the operation closure
    /// calls the isolated `capture` without `await`), and cancelling the task wakes its poll(2).
    private func whileCancellable<T>(_ body: () throws(SerialError) -> T) async throws(SerialError) -> T {
        wake.reset()
        if Task.isCancelled { throw .cancelled(path: slavePath) }
        let wake = self.wake
        let result: Result<T, SerialError> = await withTaskCancellationHandler {
            self.capture(body)
        } onCancel: {
            wake.signal()
        }
        return try result.get()
    }

    private func capture<T>(_ body: () throws(SerialError) -> T) -> Result<T, SerialError> {
        do throws(SerialError) { return .success(try body()) } catch { return .failure(error) }
    }
}

extension TerminalDescriptor {
    /// fcntl(F_SETFL, flags | O_NONBLOCK).
    func makeNonBlocking() throws(SerialError) {
        let flags: CInt
        switch valueOrErrno(retryOnInterrupt: true, { system_fcntl(fd, F_GETFL, 0) }) {
        case .success(let value): flags = value
        case .failure(let errno): throw .system(errno, call: "fcntl(F_GETFL)", path: path)
        }
        switch nothingOrErrno(retryOnInterrupt: true, { system_fcntl(fd, F_SETFL, flags | O_NONBLOCK) }) {
        case .success: break
        case .failure(let errno): throw .system(errno, call: "fcntl(F_SETFL)", path: path)
        }
    }

    /// open(2) of a pty slave without locking, in raw mode, for a pair to hold.
    static func openSlave(path: String) throws(SerialError) -> TerminalDescriptor {
        let flags = O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        let fd: CInt
        switch valueOrErrno(retryOnInterrupt: true, { system_open(path, flags) }) {
        case .success(let value): fd = value
        case .failure(let errno): throw openError(errno, path: path)
        }
        let slave = TerminalDescriptor(fd: fd, path: path)
        do throws(SerialError) {
            try slave.configure(SerialPort.Configuration())
        } catch {
            slave.closeOnly()
            throw error
        }
        return slave
    }
}
