import DeviceIO
import Logging
import Synchronization

/// Every attached barcode scanner of the bench at once, as one stream of scan events with their
/// source: the scanners the udev discovery finds when it starts (no configuration), and those
/// plugged in later (`HotplugMonitor`). Each scanner is read by the driver its mode needs
/// (`SerialScanner`, `HIDPOSScanner`); one that is unplugged is reported, and the bytes of a scan it
/// had half sent are dropped with its driver (they never join the next scan). It comes back by
/// itself when re-plugged, under whatever node it gets.
///
///     let hub = try await ScannerHub.start(selection: .every, logger: logger)
///     for await event in hub.events {
///         if case let .scan(.card(id), source) = event { print(source, id) }
///     }
public final class ScannerHub: Sendable {
    /// Where a scan came from: the scanner's kind, serial number and node.
    public struct Source: Sendable, Hashable, CustomStringConvertible {
        public var role: DeviceRole
        public var serialNumber: String?
        public var path: String?
        public var modelName: String

        public init(role: DeviceRole, serialNumber: String?, path: String?, modelName: String) {
            self.role = role
            self.serialNumber = serialNumber
            self.path = path
            self.modelName = modelName
        }

        init(_ device: AttachedDevice) {
            self.init(role: device.role, serialNumber: device.serialNumber, path: device.path, modelName: device.model.name)
        }

        /// "scanner 17EB0123 (USB serial)".
        public var description: String {
            let kind = switch role {
            case .scannerSerial: "USB serial"
            case .scannerHIDPOS: "HID POS"
            case .scannerKeyboard: "keyboard"
            default: role.rawValue
            }
            return "scanner \(serialNumber ?? path ?? "?") (\(kind))"
        }
    }

    public enum Event: Sendable, Hashable, CustomStringConvertible {
        case scan(ScanEvent, from: Source)
        /// A scanner was opened (found at start, plugged in, or back after an unplug).
        case connected(Source)
        /// A scanner stopped (unplugged or failed); a scan it had half sent is discarded.
        case disconnected(Source, reason: String)
        /// A scanner is attached but cannot be read (busy, no permission); tried again later.
        case unusable(Source, reason: String)
        /// A line typed at a person's speed on a keyboard-mode device (not a scan), ended by Enter.
        case typed(String, from: Source)

        public var description: String {
            switch self {
            case let .scan(scan, source): "\(source): \(scan)"
            case let .connected(source): "connected \(source)"
            case let .disconnected(source, reason): "disconnected \(source): \(reason)"
            case let .unusable(source, reason): "cannot read \(source): \(reason)"
            case let .typed(text, source): "\(source): typed \"\(text)\""
            }
        }
    }

    /// The events of all scanners, in the order they happened, until `stop()`.
    public let events: AsyncStream<Event>
    private let supervisor: Task<Void, Never>
    private let monitor: HotplugMonitor?
    private let readers: ReaderRegistry
    private let continuation: AsyncStream<Event>.Continuation

    private init(events: AsyncStream<Event>, continuation: AsyncStream<Event>.Continuation, supervisor: Task<Void, Never>,
                 monitor: HotplugMonitor?, readers: ReaderRegistry) {
        self.events = events
        self.continuation = continuation
        self.supervisor = supervisor
        self.monitor = monitor
        self.readers = readers
    }

    /// Starts reading every selected scanner attached now and watching for more.
    ///
    /// - Parameters:
    ///   - rescanInterval: how often to look for scanners again (one that was busy, or an arrival
    ///     the monitor did not see, e.g. where no udevd runs).
    /// - Throws: `DiscoveryError` if libudev cannot list devices.
    public static func start(
        selection: ScannerSelection = .every, configuration: ScannerConfiguration = ScannerConfiguration(),
        keyboardLayout: KeyboardLayout = .us, catalogue: DeviceCatalogue = .lab, rescanInterval: Duration = .seconds(2), logger: Logger
    ) async throws(DiscoveryError) -> ScannerHub {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        // Without a netlink monitor (a container) the periodic rescan still finds plugged scanners.
        let monitor = try? await HotplugMonitor.start(catalogue: catalogue)
        let discovery = DeviceDiscovery(catalogue: catalogue)
        let initial = try discovery.attachedDevices()
        let readers = ReaderRegistry()

        @Sendable func launch(_ device: AttachedDevice) {
            guard selection.admits(device) else { return }
            let key = device.usbSysPath
            readers.running.withLock { running in
                guard running[key] == nil else { return }
                running[key] = Task {
                    let source = Source(device)
                    defer { _ = readers.running.withLock { $0.removeValue(forKey: key) } }
                    guard device.state == .ready else {
                        // Just plugged in, its interface node not there yet: the next look finds it.
                        if case .noNode = device.state { return }
                        if readers.unusable.withLock({ $0.insert(key).inserted }) {
                            continuation.yield(.unusable(source, reason: "\(device.state)"))
                        }
                        return
                    }
                    switch await open(device, configuration: configuration, layout: keyboardLayout, logger: logger) {
                    case .failure(let message):
                        if readers.unusable.withLock({ $0.insert(key).inserted }) { continuation.yield(.unusable(source, reason: message)) }
                    case .success(let (outputs, close)):
                        _ = readers.unusable.withLock { $0.remove(key) }
                        continuation.yield(.connected(source))
                        await withTaskCancellationHandler {
                            switch outputs {
                            case .scans(let scans):
                                for await scan in scans { continuation.yield(.scan(scan, from: source)) }
                            case .keys(let keys):
                                for await output in keys {
                                    switch output {
                                    case .scan(let scan): continuation.yield(.scan(scan, from: source))
                                    case .typed(let text): continuation.yield(.typed(text, from: source))
                                    }
                                }
                            }
                        } onCancel: {
                            Task { await close() }
                        }
                        await close()
                        continuation.yield(.disconnected(source, reason: Task.isCancelled ? "stopped" : "unplugged or stopped responding"))
                    }
                }
            }
        }

        for device in initial { launch(device) }
        let supervisor = Task {
            await withTaskGroup(of: Void.self) { group in
                if let monitor {
                    group.addTask {
                        for await event in monitor.events where event.action == .added { launch(event.device) }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: rescanInterval)
                        if Task.isCancelled { break }
                        for device in (try? discovery.attachedDevices()) ?? [] { launch(device) }
                    }
                }
                await group.waitForAll()
            }
        }
        let hub = ScannerHub(events: events, continuation: continuation, supervisor: supervisor, monitor: monitor, readers: readers)
        continuation.onTermination = { _ in
            supervisor.cancel()
            monitor?.stop()
            for reader in readers.running.withLock({ Array($0.values) }) { reader.cancel() }
        }
        return hub
    }

    /// Closes every scanner and stops watching; `events` ends after their last events.
    public func stop() async {
        monitor?.stop()
        supervisor.cancel()
        await supervisor.value
        let running = readers.running.withLock { Array($0.values) }
        for reader in running { reader.cancel() }
        for reader in running { await reader.value }
        continuation.finish()
    }

    enum Outputs: Sendable {
        case scans(AsyncStream<ScanEvent>)
        case keys(AsyncStream<KeyboardWedgeScanner.Output>)
    }

    enum Opened {
        case success((Outputs, @Sendable () async -> Void))
        case failure(String)
    }

    /// Opens `device` with the driver its mode needs.
    static func open(_ device: AttachedDevice, configuration: ScannerConfiguration, layout: KeyboardLayout, logger: Logger) async -> Opened {
        if device.role == .scannerKeyboard {
            guard let path = device.inputDevnodes.first else { return .failure("no evdev node (/dev/input/event…)") }
            do {
                let scanner = try await KeyboardWedgeScanner.open(path: path, layout: layout, configuration: configuration, logger: logger)
                return .success((.keys(scanner.outputs), { await scanner.close() }))
            } catch {
                return .failure(error.description)
            }
        }
        switch await ScannerConnection.open(device, configuration: configuration, logger: logger) {
        case .success(let (scans, close)): return .success((.scans(scans), close))
        case .failure(let message): return .failure(message)
        }
    }
}

/// The hub's running readers by usb_device sysfs path, and the devices reported unusable.
final class ReaderRegistry: Sendable {
    let running = Mutex<[String: Task<Void, Never>]>([:])
    let unusable = Mutex<Set<String>>([])
}
