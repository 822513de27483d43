/// Lists serial (tty) devices through libudev, with their USB identity and udev symlinks.
///
///     for port in try UdevEnumerator().serialPorts() where port.usb?.serialNumber == "TL00042" {
///         let reader = try await SerialPort.open(path: port.devnode)
///     }
///
/// Reads sysfs and the udev database: no root, no udevd needed (without udevd, properties such as
/// `ID_SERIAL_SHORT` and the devlinks are missing, and the sysfs `serial` attribute is used).
/// Under umockdev (`umockdev-run`, or a test bed) it sees the emulated devices.
public struct UdevEnumerator: Sendable {
    /// Which ttys to list.
    public enum Scope: Sendable, Equatable {
        /// Only ttys with a USB device among their parents (ttyUSB*, ttyACM*): the default.
        case usbOnly
        /// Every tty that has a device node, including virtual consoles and ttyS*.
        case all
    }

    public var scope: Scope

    public init(scope: Scope = .usbOnly) {
        self.scope = scope
    }

    /// The tty devices, sorted by devnode. Calls udev_new, udev_enumerate_add_match_subsystem("tty"),
    /// udev_enumerate_scan_devices, and per device udev_device_get_parent_with_subsystem_devtype
    /// ("usb", "usb_device"), udev_device_get_sysattr_value and udev_device_get_property_value.
    public func serialPorts() throws(DiscoveryError) -> [SerialDeviceInfo] {
        let udev = try UdevContext()
        var found: [SerialDeviceInfo] = []
        for sysPath in try udev.scan(subsystem: "tty") {
            guard let device = udev.device(sysPath: sysPath), let devnode = device.devnode else { continue }
            let usb = Self.usbIdentity(of: device)
            if scope == .usbOnly && usb == nil { continue }
            found.append(SerialDeviceInfo(
                devnode: devnode,
                sysPath: device.sysPath ?? sysPath,
                devlinks: Self.devlinks(of: device),
                usb: usb,
                driver: device.property("ID_USB_DRIVER") ?? device.parent(subsystem: "usb", devtype: "usb_interface")?.driver,
                ignoredByModemManager: device.property("ID_MM_DEVICE_IGNORE") == "1"))
        }
        return found.sorted { $0.devnode < $1.devnode }
    }

    /// udev_device_get_devlinks_list_entry, or else the space-separated `DEVLINKS` property (what
    /// umockdev provides: it ignores `S:` lines, so only `E: DEVLINKS=` reaches libudev).
    static func devlinks(of device: UdevDevice) -> [String] {
        let listed = device.devlinks
        if !listed.isEmpty { return listed.sorted() }
        let property = device.property("DEVLINKS") ?? ""
        return property.split(separator: " ").map(String.init).sorted()
    }

    /// The ids and strings of the usb_device above `device`, preferring sysfs attributes and
    /// falling back to udev properties.
    static func usbIdentity(of device: UdevDevice) -> USBIdentity? {
        let usbDevice = device.parent(subsystem: "usb", devtype: "usb_device")
        guard let usbDevice else { return nil }
        let vendor = usbDevice.sysattr("idVendor") ?? device.property("ID_VENDOR_ID")
        let product = usbDevice.sysattr("idProduct") ?? device.property("ID_MODEL_ID")
        guard let vendorID = vendor.flatMap({ UInt16($0, radix: 16) }),
              let productID = product.flatMap({ UInt16($0, radix: 16) }) else { return nil }
        return USBIdentity(
            vendorID: vendorID, productID: productID,
            serialNumber: nonEmpty(device.property("ID_SERIAL_SHORT")) ?? nonEmpty(usbDevice.sysattr("serial")),
            manufacturer: nonEmpty(usbDevice.sysattr("manufacturer")),
            product: nonEmpty(usbDevice.sysattr("product")))
    }
}

private func nonEmpty(_ value: String?) -> String? {
    guard let trimmed = value?.trimmingSpace, !trimmed.isEmpty else { return nil }
    return trimmed
}

extension String {
    /// Without leading and trailing spaces and newlines (sysfs values end in "\n").
    fileprivate var trimmingSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
