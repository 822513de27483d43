/// What an attached device is to the lab: the TL reader's USB-serial adapter, or a barcode scanner
/// in one of its USB personalities.
public enum DeviceRole: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A USB-serial adapter of a TL card reader (FTDI, CP210x): a tty for `SerialPort`.
    case reader
    /// A barcode scanner in USB CDC-ACM (or USB-serial emulation) mode: a tty, read with `SerialPort`.
    case scannerSerial = "scanner-serial"
    /// A barcode scanner in USB HID point-of-sale mode (HID usage page 0x8C): read through libusb.
    case scannerHIDPOS = "scanner-hidpos"
    /// A barcode scanner in HID keyboard-emulation mode: it types into the focused window.
    case scannerKeyboard = "scanner-keyboard"
    /// A barcode scanner in a mode the lab does not read (e.g. Zebra SNAPI): reconfigure it.
    case scannerUnsupported = "scanner-unsupported"

    public var description: String { rawValue }

    /// Whether the device is read as a tty (`/dev/ttyUSB*`, `/dev/ttyACM*`).
    public var isSerial: Bool { self == .reader || self == .scannerSerial }

    /// Whether the device is a barcode scanner (in any mode).
    public var isScanner: Bool { self != .reader }
}
