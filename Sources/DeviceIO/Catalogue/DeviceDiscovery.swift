import Glibc

/// Finds the catalogued devices (TL-reader adapters and barcode scanners) through libudev.
///
///     for device in try DeviceDiscovery().attachedDevices() where device.role == .reader {
///         print(device.path ?? "-", device.serialNumber ?? "-", device.state)
///     }
///
/// Lists the usb_devices (udev_enumerate subsystem "usb", devtype "usb_device"), matches their
/// idVendor/idProduct against the `DeviceCatalogue`, then attaches the tty, hidraw and input
/// nodes whose usb_device parent (udev_device_get_parent_with_subsystem_devtype) is one of them.
/// No root and no udevd needed; under umockdev it sees the emulated devices.
public struct DeviceDiscovery: Sendable {
    public var catalogue: DeviceCatalogue

    public init(catalogue: DeviceCatalogue = .lab) {
        self.catalogue = catalogue
    }

    /// The catalogued devices attached now, sorted by role, then serial number, then sysfs path.
    public func attachedDevices() throws(DiscoveryError) -> [AttachedDevice] {
        let udev = try UdevContext()
        var bySysPath: [String: AttachedDevice] = [:]
        for sysPath in try udev.scan(subsystem: "usb") {
            guard let device = udev.device(sysPath: sysPath), device.devtype == "usb_device",
                  let found = attached(usbDevice: device) else { continue }
            bySysPath[found.usbSysPath] = found
        }
        for subsystem in ["tty", "hidraw", "input"] {
            for sysPath in try udev.scan(subsystem: subsystem) {
                guard let node = udev.device(sysPath: sysPath), let devnode = node.devnode,
                      let parent = node.parent(subsystem: "usb", devtype: "usb_device")?.sysPath,
                      var device = bySysPath[parent] else { continue }
                switch subsystem {
                case "tty":
                    device.ttyDevnode = devnode
                    if device.identity.serialNumber == nil { device.identity.serialNumber = node.property("ID_SERIAL_SHORT") }
                case "hidraw": device.hidrawDevnodes.append(devnode)
                default:
                    guard devnode.hasPrefix("/dev/input/event") else { continue }
                    device.inputDevnodes.append(devnode)
                }
                device.symlinks += UdevEnumerator.devlinks(of: node)
                bySysPath[parent] = device
            }
        }
        return bySysPath.values.map { device in
            var device = device
            device.hidrawDevnodes.sort()
            device.inputDevnodes.sort()
            device.symlinks = Array(Set(device.symlinks)).sorted()
            device.state = Self.state(of: device)
            return device
        }.sorted { lhs, rhs in
            let left = (DeviceRole.allCases.firstIndex(of: lhs.role) ?? 0, lhs.serialNumber ?? "", lhs.usbSysPath)
            let right = (DeviceRole.allCases.firstIndex(of: rhs.role) ?? 0, rhs.serialNumber ?? "", rhs.usbSysPath)
            return left < right
        }
    }

    /// A catalogued usb_device, without its interface nodes yet; nil if the catalogue does not know it.
    func attached(usbDevice device: UdevDevice) -> AttachedDevice? {
        guard let sysPath = device.sysPath, let identity = Self.identity(ofUSBDevice: device),
              let model = catalogue.model(vendorID: identity.vendorID, productID: identity.productID) else { return nil }
        return AttachedDevice(
            role: model.role, model: model, identity: identity, usbSysPath: sysPath,
            usbDevnode: device.devnode, symlinks: UdevEnumerator.devlinks(of: device))
    }

    /// The ids and strings of a usb_device from its sysfs attributes (udev properties as fallback).
    static func identity(ofUSBDevice device: UdevDevice) -> USBIdentity? {
        let vendor = device.sysattr("idVendor") ?? device.property("ID_VENDOR_ID")
        let product = device.sysattr("idProduct") ?? device.property("ID_MODEL_ID")
        guard let vendorID = vendor.flatMap({ UInt16($0.trimmed, radix: 16) }),
              let productID = product.flatMap({ UInt16($0.trimmed, radix: 16) }) else { return nil }
        return USBIdentity(
            vendorID: vendorID, productID: productID,
            serialNumber: (device.sysattr("serial") ?? device.property("ID_SERIAL_SHORT"))?.trimmed.nonEmpty,
            manufacturer: device.sysattr("manufacturer")?.trimmed.nonEmpty,
            product: device.sysattr("product")?.trimmed.nonEmpty)
    }

    /// `.ready` if the role's node exists and access(2) grants read and write.
    static func state(of device: AttachedDevice) -> DeviceState {
        if device.role == .scannerUnsupported { return .unsupportedMode }
        guard let path = device.path else {
            let expected = switch device.role {
            case .reader, .scannerSerial: "tty"
            case .scannerKeyboard: "input"
            default: "usbfs"
            }
            return .noNode(expected: expected)
        }
        if access(path, R_OK | W_OK) == 0 { return .ready }
        switch errno {
        case EACCES, EPERM: return .noPermission(path: path)
        case ENOENT: return .noNode(expected: path)
        default: return .ready  // e.g. EROFS: access(2) cannot tell; opening will
        }
    }
}

extension String {
    /// Without leading and trailing whitespace (sysfs values end in "\n").
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// nil for the empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
