/// Why a libusb operation on one device failed. Each case says one thing.
public enum USBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No attached device matches (LIBUSB_ERROR_NOT_FOUND, or none in libusb_get_device_list).
    case notFound(USBDeviceMatch)
    /// libusb_open was refused (LIBUSB_ERROR_ACCESS): no write permission on /dev/bus/usb/BBB/DDD.
    case permissionDenied(USBDeviceMatch)
    /// libusb_claim_interface gave LIBUSB_ERROR_BUSY: another program or a kernel driver that
    /// could not be detached has the interface.
    case busy(USBDeviceMatch, interface: Int)
    /// The device has no HID interface with an interrupt IN endpoint.
    case noHIDInterface(USBDeviceMatch)
    /// The device went away (LIBUSB_ERROR_NO_DEVICE or LIBUSB_ERROR_IO on a transfer).
    case disconnected(USBDeviceMatch)
    /// The device was used after `close()`.
    case closed(USBDeviceMatch)
    /// The task waiting on the device was cancelled.
    case cancelled(USBDeviceMatch)
    /// Any other libusb failure: `code` is the `LIBUSB_ERROR_*` value, `name` its libusb_error_name.
    case libusb(code: Int32, name: String, call: String, device: USBDeviceMatch)

    public var description: String {
        switch self {
        case .notFound(let match):
            return "No USB device \(match) is attached."
        case .permissionDenied(let match):
            return "Permission denied opening USB device \(match) (libusb_open: LIBUSB_ERROR_ACCESS): install "
                + "udev/70-tl-lab.rules (GROUP plugdev, MODE 0660) and join the plugdev group."
        case .busy(let match, let interface):
            return "Interface \(interface) of USB device \(match) is in use (libusb_claim_interface: LIBUSB_ERROR_BUSY): "
                + "close the other program using the scanner."
        case .noHIDInterface(let match):
            return "USB device \(match) has no HID interface with an interrupt IN endpoint: is the scanner in HID POS mode?"
        case .disconnected(let match):
            return "USB device \(match) was disconnected."
        case .closed(let match):
            return "USB device \(match) was used after it was closed."
        case .cancelled(let match):
            return "The task waiting on USB device \(match) was cancelled."
        case .libusb(let code, let name, let call, let match):
            return "\(call) on USB device \(match) failed: \(name) (\(code))."
        }
    }
}

/// Which USB device to open: ids, and the serial number when several units are attached.
public struct USBDeviceMatch: Sendable, Hashable, CustomStringConvertible {
    public var vendorID: UInt16
    public var productID: UInt16
    /// The iSerialNumber string; nil matches any unit.
    public var serialNumber: String?

    public init(vendorID: UInt16, productID: UInt16, serialNumber: String? = nil) {
        self.vendorID = vendorID
        self.productID = productID
        self.serialNumber = serialNumber
    }

    public var description: String {
        "\(hex4(vendorID)):\(hex4(productID))" + (serialNumber.map { " serial \($0)" } ?? "")
    }
}
