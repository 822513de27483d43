import DeviceIO
import Logging

/// A barcode scanner kept in use across unplugging and re-plugging: found by its USB serial
/// number (or the first scanner attached), opened as the driver its mode needs (`SerialScanner`
/// for USB serial, `HIDPOSScanner` for HID POS), and re-opened when a `HotplugMonitor` sees a
/// scanner with that serial number arrive again, under whatever node name it gets.
///
///     let connection = try await ScannerConnection.start(serialNumber: "17EB0123", logger: logger)
///     for await event in connection.events {
///         switch event {
///         case .scan(.card(let id)): print("card", id)
///         case .scan(.rejected(_, let reason)): print(reason)
///         case .connected(let device): print("scanner on", device.path ?? "?")
///         case .disconnected(let device, let reason): print("scanner", device.serialNumber ?? "?", "lost:", reason)
///         }
///     }
///
/// Keyboard-mode scanners are not opened (they type into the focused window); switch them to
/// USB serial or HID POS.
public final class ScannerConnection: Sendable {
    /// What happens on the connection.
    public enum Event: Sendable, Hashable, CustomStringConvertible {
        /// A scan from the scanner.
        case scan(ScanEvent)
        /// The scanner was opened (at start, or after it came back).
        case connected(AttachedDevice)
        /// The scanner stopped (unplugged, reset, or a read failed); the connection waits for it to return.
        case disconnected(AttachedDevice, reason: String)

        public var description: String {
            switch self {
            case .scan(let scan): "\(scan)"
            case .connected(let device): "connected \(device.role) \(device.path ?? "-") serial=\(device.serialNumber ?? "-")"
            case .disconnected(let device, let reason): "disconnected \(device.role) serial=\(device.serialNumber ?? "-"): \(reason)"
            }
        }
    }

    /// The events, until `stop()`.
    public let events: AsyncStream<Event>
    private let task: Task<Void, Never>
    private let monitor: HotplugMonitor

    private init(events: AsyncStream<Event>, task: Task<Void, Never>, monitor: HotplugMonitor) {
        self.events = events
        self.task = task
        self.monitor = monitor
    }

    /// Starts watching for the scanner and opens it as soon as it is attached (at once, if it is).
    ///
    /// - Parameters:
    ///   - serialNumber: the scanner's USB serial number; nil takes the first usable scanner.
    ///   - retryInterval: how often to look again when a scanner is attached but cannot be opened
    ///     (busy, no permission) or after a read failure without an unplug.
    /// - Throws: `DiscoveryError` if the hot-plug monitor cannot start.
    public static func start(
        serialNumber: String? = nil, configuration: ScannerConfiguration = ScannerConfiguration(),
        catalogue: DeviceCatalogue = .lab, retryInterval: Duration = .seconds(2), logger: Logger
    ) async throws(DiscoveryError) -> ScannerConnection {
        let monitor = try await HotplugMonitor.start(catalogue: catalogue)
        let mailbox = HotplugMailbox()
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let feeder = Task { for await event in monitor.events { await mailbox.put(event) } }
        let task = Task {
            defer { continuation.finish() }
            let wanted = { (device: AttachedDevice) in
                (device.role == .scannerSerial || device.role == .scannerHIDPOS)
                    && (serialNumber == nil || device.serialNumber == serialNumber)
            }
            var candidate = (try? DeviceDiscovery(catalogue: catalogue).attachedDevices())?.first(where: wanted)
            while !Task.isCancelled {
                guard let device = candidate else {
                    // Wait for an arrival; look again now and then in case an event was missed.
                    if let event = await mailbox.next(timeout: retryInterval) {
                        if event.action == .added, wanted(event.device) { candidate = event.device }
                    } else {
                        candidate = (try? DeviceDiscovery(catalogue: catalogue).attachedDevices())?.first(where: wanted)
                    }
                    continue
                }
                candidate = nil
                let reason: String
                switch await Self.open(device, configuration: configuration, logger: logger) {
                case .failure(let message):
                    logger.warning("cannot open barcode scanner", metadata: ["device": "\(device.path ?? "-")", "error": "\(message)"])
                    continue
                case .success(let (scans, close)):
                    continuation.yield(.connected(device))
                    await withTaskCancellationHandler {
                        for await scan in scans { continuation.yield(.scan(scan)) }
                    } onCancel: {
                        Task { await close() }
                    }
                    await close()
                    reason = Task.isCancelled ? "stopped" : "the scanner stopped responding or was unplugged"
                }
                continuation.yield(.disconnected(device, reason: reason))
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            feeder.cancel()
            monitor.stop()
        }
        return ScannerConnection(events: events, task: task, monitor: monitor)
    }

    /// Closes the scanner and stops watching; `events` ends.
    public func stop() async {
        task.cancel()
        monitor.stop()
        await task.value
    }

    enum Opened {
        case success((AsyncStream<ScanEvent>, @Sendable () async -> Void))
        case failure(String)
    }

    static func open(_ device: AttachedDevice, configuration: ScannerConfiguration, logger: Logger) async -> Opened {
        switch device.role {
        case .scannerSerial:
            guard let path = device.ttyDevnode else { return .failure("no tty") }
            do {
                let scanner = try await SerialScanner.open(path: path, configuration: configuration, logger: logger)
                return .success((scanner.events, { await scanner.close() }))
            } catch {
                return .failure(error.description)
            }
        case .scannerHIDPOS:
            let match = USBDeviceMatch(vendorID: device.identity.vendorID, productID: device.identity.productID,
                                       serialNumber: device.serialNumber)
            do {
                let scanner = try await HIDPOSScanner.open(match, configuration: configuration, logger: logger)
                return .success((scanner.events, { await scanner.close() }))
            } catch {
                return .failure(error.description)
            }
        default:
            return .failure("\(device.role) is not read by the lab")
        }
    }
}

/// Hot-plug events buffered for one consumer that waits with a timeout.
private actor HotplugMailbox {
    private var buffer: [HotplugEvent] = []
    private var waiter: (id: Int, continuation: CheckedContinuation<HotplugEvent?, Never>)?
    private var nextID = 0

    func put(_ event: HotplugEvent) {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: event)
        } else {
            buffer.append(event)
        }
    }

    /// The next event, or nil after `timeout` (or if the waiting task is cancelled).
    func next(timeout: Duration) async -> HotplugEvent? {
        if !buffer.isEmpty { return buffer.removeFirst() }
        if Task.isCancelled { return nil }
        nextID += 1
        let id = nextID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = (id, continuation)
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
    }

    private func expire(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: nil)
    }
}
