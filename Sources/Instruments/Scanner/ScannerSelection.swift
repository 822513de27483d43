import DeviceIO

/// Which attached barcode scanners a bench reads: all of them (the default), none, only some, or
/// all but some. A scanner is named by its USB serial number or by one of its device nodes or udev
/// symlinks (`/dev/ttyACM0`, `/dev/tl-lab/scanner-17EB0123`, `/dev/input/event5`).
public struct ScannerSelection: Sendable, Hashable {
    /// Read every scanner the discovery finds, unless excluded.
    public var all: Bool
    /// Read these (when `all` is false).
    public var only: [String]
    /// Never read these.
    public var excluded: [String]

    public init(all: Bool = true, only: [String] = [], excluded: [String] = []) {
        self.all = all
        self.only = only
        self.excluded = excluded
    }

    /// Every scanner.
    public static let every = ScannerSelection()
    /// No scanner: typed lines only.
    public static let none = ScannerSelection(all: false)

    /// Whether nothing can be selected.
    public var isNone: Bool { !all && only.isEmpty }

    /// Whether the bench reads `device`: a scanner in a mode the lab reads, chosen and not excluded.
    public func admits(_ device: AttachedDevice) -> Bool {
        guard [.scannerSerial, .scannerHIDPOS, .scannerKeyboard].contains(device.role) else { return false }
        if excluded.contains(where: { Self.names($0, device) }) { return false }
        return all || only.contains { Self.names($0, device) }
    }

    static func names(_ name: String, _ device: AttachedDevice) -> Bool {
        name == device.serialNumber || name == device.path || device.symlinks.contains(name)
            || device.ttyDevnode == name || device.usbDevnode == name || device.inputDevnodes.contains(name)
            || device.hidrawDevnodes.contains(name)
    }
}
