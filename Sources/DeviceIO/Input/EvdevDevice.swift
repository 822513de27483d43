import CSerial
import Glibc
import SystemPackage

/// An evdev input node (`/dev/input/eventN`) of a keyboard-wedge barcode scanner, opened read-only
/// and grabbed with `EVIOCGRAB`, so its key events reach only this program: never the terminal or
/// the desktop's focused window. Like `SerialPort`, an actor on its own thread: the blocking
/// poll(2) never holds a thread of Swift's cooperative pool.
///
///     let keys = try await EvdevDevice.open(path: "/dev/input/event7")
///     let events = try await keys.read(timeout: .milliseconds(250))   // [InputEvent]
///     await keys.close()                                               // releases the grab
///
/// Under device emulation (`TLD_DEVICE_EMULATION=1`, as the tests under umockdev set), a grab that
/// fails with ENOTTY is tolerated: umockdev emulates the node as a stream without evdev ioctls.
/// Otherwise a failed grab refuses the device, since its scans would also type into the desktop.
public actor EvdevDevice {
    public nonisolated let path: String
    /// Whether EVIOCGRAB succeeded.
    public private(set) var grabbed = false

    private let lease: ExecutorLease
    private var descriptor: TerminalDescriptor?
    private var wake: WakeSignal?
    private var pending: [UInt8] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    private init(path: String, lease: ExecutorLease) {
        self.path = path
        self.lease = lease
    }

    deinit { descriptor?.closeOnly() }

    /// open(2) `O_RDONLY|O_NONBLOCK|O_CLOEXEC`, then ioctl(`EVIOCGRAB`, 1).
    public static func open(path: String) async throws(EvdevError) -> EvdevDevice {
        guard let executor = DedicatedThreadExecutor.start() else {
            throw .system(.resourceTemporarilyUnavailable, call: "pthread_create", path: path)
        }
        let device = EvdevDevice(path: path, lease: ExecutorLease(executor))
        try await device.openDevice()
        return device
    }

    private func openDevice() throws(EvdevError) {
        let wake: WakeSignal
        do { wake = try WakeSignal() } catch { throw .system(error, call: "eventfd", path: path) }
        let fd: CInt
        switch valueOrErrno(retryOnInterrupt: true, { system_open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }) {
        case .success(let value): fd = value
        case .failure(.noSuchFileOrDirectory), .failure(.noSuchAddressOrDevice), .failure(.operationNotSupportedByDevice): throw .notFound(path: path)
        case .failure(.permissionDenied), .failure(.notPermitted): throw .permissionDenied(path: path)
        case .failure(let errno): throw .system(errno, call: "open", path: path)
        }
        let descriptor = TerminalDescriptor(fd: fd, path: path)
        switch nothingOrErrno(retryOnInterrupt: true, { cserial_evdev_grab(fd, 1) }) {
        case .success: grabbed = true
        case .failure(.inappropriateIOCTLForDevice) where Self.emulated: grabbed = false
        case .failure(let errno):
            descriptor.closeOnly()
            throw .grabFailed(path: path, errno)
        }
        self.descriptor = descriptor
        self.wake = wake
    }

    static var emulated: Bool { getenv("TLD_DEVICE_EMULATION").map { String(cString: $0) == "1" } ?? false }

    /// Waits up to `timeout` for input and returns the whole events one read(2) gives ([] if none
    /// came in time). A partial record is kept for the next read.
    ///
    /// - Throws: `.disconnected` (unplugged: ENODEV, EIO, hang-up or end of file), `.cancelled`.
    public func read(timeout: Duration) async throws(EvdevError) -> [InputEvent] {
        guard let descriptor, let wake else { throw .disconnected(path: path) }
        wake.reset()
        if Task.isCancelled { throw .cancelled(path: path) }
        let result: Result<[UInt8], SerialError> = await withTaskCancellationHandler {
            self.readBytes(descriptor, wake: wake, timeout: timeout)
        } onCancel: {
            wake.signal()
        }
        switch result {
        case .success(let bytes):
            pending += bytes
            var events: [InputEvent] = []
            var start = 0
            while pending.count - start >= InputEvent.size {
                if let event = InputEvent(bytes: pending[start..<(start + InputEvent.size)]) { events.append(event) }
                start += InputEvent.size
            }
            pending.removeFirst(start)
            return events
        case .failure(.cancelled): throw .cancelled(path: path)
        case .failure(.system(let errno, let call, _)): throw .system(errno, call: call, path: path)
        case .failure: throw .disconnected(path: path)
        }
    }

    private func readBytes(_ descriptor: TerminalDescriptor, wake: WakeSignal, timeout: Duration) -> Result<[UInt8], SerialError> {
        do throws(SerialError) {
            return .success(try descriptor.readAvailable(maxCount: InputEvent.size * 64, timeout: timeout, wake: wake))
        } catch {
            return .failure(error)
        }
    }

    /// Releases the grab (errors ignored: the device may be gone) and closes the node.
    public func close() {
        guard let descriptor else { return }
        if grabbed { _ = cserial_evdev_grab(descriptor.fd, 0) }
        descriptor.closeOnly()
        self.descriptor = nil
        wake = nil
    }
}
