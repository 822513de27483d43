/// A catalogued device found on the machine: what it is, where to open it and whether we may.
public struct AttachedDevice: Sendable, Hashable {
    /// What the device is to the lab.
    public var role: DeviceRole
    /// The catalogue entry that matched its ids.
    public var model: DeviceModel
    /// Its USB ids and strings (serial number from `ID_SERIAL_SHORT` or the sysfs `serial` attribute).
    public var identity: USBIdentity
    /// The sysfs path of the usb_device, e.g. `/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2`.
    public var usbSysPath: String
    /// The usbfs node, e.g. `/dev/bus/usb/001/005` (what libusb opens).
    public var usbDevnode: String?
    /// The tty (`/dev/ttyUSB0`, `/dev/ttyACM0`) for serial roles.
    public var ttyDevnode: String?
    /// The hidraw nodes (`/dev/hidraw0`) of its HID interfaces.
    public var hidrawDevnodes: [String]
    /// The evdev nodes (`/dev/input/event5`) of its keyboard interfaces.
    public var inputDevnodes: [String]
    /// udev's symlinks to its nodes, e.g. `/dev/tl-lab/reader-TL00042` (our rules) and
    /// `/dev/serial/by-id/…`.
    public var symlinks: [String]
    /// Whether it can be used now.
    public var state: DeviceState

    public init(
        role: DeviceRole, model: DeviceModel, identity: USBIdentity, usbSysPath: String,
        usbDevnode: String? = nil, ttyDevnode: String? = nil, hidrawDevnodes: [String] = [],
        inputDevnodes: [String] = [], symlinks: [String] = [], state: DeviceState = .ready
    ) {
        self.role = role
        self.model = model
        self.identity = identity
        self.usbSysPath = usbSysPath
        self.usbDevnode = usbDevnode
        self.ttyDevnode = ttyDevnode
        self.hidrawDevnodes = hidrawDevnodes
        self.inputDevnodes = inputDevnodes
        self.symlinks = symlinks
        self.state = state
    }

    /// The serial number, when the device reports one.
    public var serialNumber: String? { identity.serialNumber }

    /// The node a driver opens for this role: the tty for serial roles, the usbfs node for HID POS
    /// (read through libusb), the evdev node for keyboard mode.
    public var path: String? {
        switch role {
        case .reader, .scannerSerial: ttyDevnode
        case .scannerHIDPOS, .scannerUnsupported: usbDevnode
        case .scannerKeyboard: inputDevnodes.first ?? hidrawDevnodes.first
        }
    }

    /// Our own stable symlink (`/dev/tl-lab/…`), if the lab's udev rules made one.
    public var labSymlink: String? { symlinks.first { $0.hasPrefix("/dev/tl-lab/") } }
}

/// Whether an attached device can be used now.
public enum DeviceState: Sendable, Hashable, CustomStringConvertible {
    /// Its node exists and this process may read and write it.
    case ready
    /// Its node exists but access(2) refused read/write: the udev rules or group membership are missing.
    case noPermission(path: String)
    /// The USB device is there but the node its role needs is not (no kernel driver bound yet, or
    /// the interface is in another mode).
    case noNode(expected: String)
    /// The scanner is in a mode the lab does not read; `DeviceModel.advice` says what to do.
    case unsupportedMode

    public var description: String {
        switch self {
        case .ready: "ready"
        case .noPermission(let path): "no permission on \(path) (install udev/70-tl-lab.rules, join group dialout/plugdev)"
        case .noNode(let expected): "no \(expected) node yet (driver not bound?)"
        case .unsupportedMode: "unsupported mode"
        }
    }
}

extension USBIdentity {
    /// "0403:6001", as lsusb prints it.
    public var idString: String { "\(hex4(vendorID)):\(hex4(productID))" }
}
