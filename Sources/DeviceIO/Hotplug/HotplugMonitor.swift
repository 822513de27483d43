import Glibc
import SystemPackage

/// Reports catalogued devices (TL-reader adapters, barcode scanners) as they are plugged in and
/// out, from udev's netlink monitor.
///
///     let monitor = try await HotplugMonitor.start()
///     for await event in monitor.events where event.device.role == .reader {
///         if event.action == .added, event.device.serialNumber == "TL00042" { reopen(event.device.path) }
///     }
///
/// Listens with udev_monitor_new_from_netlink(udev, "udev") filtered to "tty", "usb"/"usb_device"
/// and "hidraw", so it sees devices after udevd has applied the rules (symlinks exist). The
/// monitor's socket is waited on with poll(2) on the monitor's own thread (an actor on a
/// `DedicatedThreadExecutor`), together with an eventfd that `stop()` signals: no busy loop, and
/// no thread of the cooperative pool is held.
///
/// Serial roles (reader, scanner-serial) are reported by their tty's events, keyboard-mode scanners
/// by their evdev node's (`/dev/input/event*`), other roles by their usb_device's. An `.added` device whose serial number left earlier is marked `isReturn`.
/// Events from before `start()` returns are not seen; list those with `DeviceDiscovery`.
/// The "udev" netlink group is fed by udevd: where none runs (a container), no events arrive.
/// The monitor runs until `stop()`, or until the task iterating `events` is cancelled.
public actor HotplugMonitor {
    /// The events, in the order udev sent them. Ends after `stop()`, or if the monitor fails.
    public nonisolated let events: AsyncStream<HotplugEvent>

    private nonisolated let continuation: AsyncStream<HotplugEvent>.Continuation
    private nonisolated let wake: WakeSignal
    private let lease: ExecutorLease
    private let catalogue: DeviceCatalogue
    private var context: UdevContext?
    private var monitor: UdevMonitorHandle?
    /// What is known of each device, by the sysfs path of its usb_device.
    private var known: [String: AttachedDevice] = [:]
    /// Serial numbers of devices that left while we were watching.
    private var departed: Set<String> = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    private init(catalogue: DeviceCatalogue, wake: WakeSignal, lease: ExecutorLease) {
        self.catalogue = catalogue
        self.wake = wake
        self.lease = lease
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    /// Starts listening. When this returns the netlink socket is receiving, so every later plug
    /// event is reported. The devices attached now are remembered (not reported), so that their
    /// removal can be described.
    ///
    /// - Throws: `DiscoveryError` if libudev cannot make the monitor (no netlink, no /sys), or
    ///   `.system` if the thread or eventfd cannot be made.
    public static func start(catalogue: DeviceCatalogue = .lab) async throws(DiscoveryError) -> HotplugMonitor {
        let wake: WakeSignal
        do { wake = try WakeSignal() } catch { throw .udev(error, call: "eventfd") }
        guard let executor = DedicatedThreadExecutor.start() else {
            throw .udev(.resourceTemporarilyUnavailable, call: "pthread_create")
        }
        let monitor = HotplugMonitor(catalogue: catalogue, wake: wake, lease: ExecutorLease(executor))
        try await monitor.setUp()
        monitor.continuation.onTermination = { [wake] _ in wake.signal() }
        Task { await monitor.run() }
        return monitor
    }

    /// Stops listening; `events` finishes. Safe from any task, also while the monitor waits.
    public nonisolated func stop() {
        wake.signal()
    }

    private func setUp() throws(DiscoveryError) {
        let context = try UdevContext()
        monitor = try UdevMonitorHandle(context: context, filters: [("tty", nil), ("usb", "usb_device"), ("hidraw", nil), ("input", nil)])
        self.context = context
        for device in (try? DeviceDiscovery(catalogue: catalogue).attachedDevices()) ?? [] {
            known[device.usbSysPath] = device
        }
    }

    /// The receive loop: blocks in poll(2) on this actor's own thread until `stop()`.
    private func run() {
        defer {
            monitor = nil
            context = nil
            continuation.finish()
        }
        guard let monitor else { return }
        var fds = [pollfd(fd: monitor.fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake.fd, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            switch valueOrErrno(retryOnInterrupt: true, { system_poll(&fds, -1) }) {
            case .failure: return
            case .success: break
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { return }
            while let device = monitor.receive() {
                if let event = event(for: device) { continuation.yield(event) }
            }
        }
    }

    /// Turns one udev event into a catalogued device event, or nil for devices and nodes the lab
    /// does not care about.
    private func event(for device: UdevDevice) -> HotplugEvent? {
        guard let sysPath = device.sysPath, let subsystem = device.subsystem else { return nil }
        let action: HotplugEvent.Action
        switch device.action {
        case "add": action = .added
        case "remove": action = .removed
        default: return nil
        }
        switch action {
        case .added: return added(device, sysPath: sysPath, subsystem: subsystem)
        case .removed: return removed(device, sysPath: sysPath, subsystem: subsystem)
        }
    }

    private func added(_ device: UdevDevice, sysPath: String, subsystem: String) -> HotplugEvent? {
        let discovery = DeviceDiscovery(catalogue: catalogue)
        let usbDevice = subsystem == "usb" ? device : device.parent(subsystem: "usb", devtype: "usb_device")
        guard let usbDevice, var attached = discovery.attached(usbDevice: usbDevice) else { return nil }
        if let previous = known[attached.usbSysPath] {
            attached.ttyDevnode = previous.ttyDevnode
            attached.hidrawDevnodes = previous.hidrawDevnodes
        }
        let links = UdevEnumerator.devlinks(of: device)
        switch subsystem {
        case "tty":
            attached.ttyDevnode = device.devnode
            if attached.identity.serialNumber == nil { attached.identity.serialNumber = device.property("ID_SERIAL_SHORT") }
        case "hidraw":
            if let node = device.devnode, !attached.hidrawDevnodes.contains(node) { attached.hidrawDevnodes.append(node) }
        case "input":
            // Only the evdev nodes (event*), not the input device above them or its joystick/mouse nodes.
            guard let node = device.devnode, node.hasPrefix("/dev/input/event") else { return nil }
            if !attached.inputDevnodes.contains(node) { attached.inputDevnodes.append(node) }
        default: break
        }
        attached.symlinks = Array(Set(attached.symlinks + links)).sorted()
        attached.state = DeviceDiscovery.state(of: attached)
        known[attached.usbSysPath] = attached
        guard reports(role: attached.role, subsystem: subsystem) else { return nil }
        var isReturn = false
        if let serial = attached.serialNumber, departed.remove(serial) != nil { isReturn = true }
        return HotplugEvent(action: .added, device: attached, isReturn: isReturn, subsystem: subsystem)
    }

    private func removed(_ device: UdevDevice, sysPath: String, subsystem: String) -> HotplugEvent? {
        if subsystem == "input", !(device.devnode?.hasPrefix("/dev/input/event") ?? sysPath.split(separator: "/").last?.hasPrefix("event") ?? false) {
            return nil
        }
        let owner = known.keys.filter { sysPath == $0 || sysPath.hasPrefix($0 + "/") }.max { $0.count < $1.count }
        var attached: AttachedDevice
        if let owner, let device = known[owner] {
            attached = device
        } else if let fromProperties = fromProperties(device, sysPath: sysPath) {
            attached = fromProperties
        } else {
            return nil
        }
        if subsystem == "usb", let owner { known[owner] = nil }
        guard reports(role: attached.role, subsystem: subsystem) else { return nil }
        if subsystem == "tty" { attached.ttyDevnode = device.devnode ?? attached.ttyDevnode }
        attached.state = .noNode(expected: attached.role.isSerial ? "tty" : attached.role == .scannerKeyboard ? "input" : "usbfs")
        if let serial = attached.serialNumber { departed.insert(serial) }
        return HotplugEvent(action: .removed, device: attached, subsystem: subsystem)
    }

    /// For a removal of a device we never saw: the ids udev put in the event (ID_VENDOR_ID,
    /// ID_MODEL_ID, ID_SERIAL_SHORT).
    private func fromProperties(_ device: UdevDevice, sysPath: String) -> AttachedDevice? {
        guard let vendor = device.property("ID_VENDOR_ID").flatMap({ UInt16($0, radix: 16) }),
              let product = device.property("ID_MODEL_ID").flatMap({ UInt16($0, radix: 16) }),
              let model = catalogue.model(vendorID: vendor, productID: product) else { return nil }
        let identity = USBIdentity(vendorID: vendor, productID: product, serialNumber: device.property("ID_SERIAL_SHORT"))
        return AttachedDevice(
            role: model.role, model: model, identity: identity, usbSysPath: sysPath,
            usbDevnode: device.subsystem == "usb" ? device.devnode : nil,
            ttyDevnode: device.subsystem == "tty" ? device.devnode : nil)
    }

    /// Serial roles are reported by their tty, keyboard-mode scanners by their evdev node (so that it
    /// exists when they are reported), the others by their usb_device.
    private func reports(role: DeviceRole, subsystem: String) -> Bool {
        if role.isSerial { return subsystem == "tty" }
        if role == .scannerKeyboard { return subsystem == "input" }
        return subsystem == "usb"
    }
}
