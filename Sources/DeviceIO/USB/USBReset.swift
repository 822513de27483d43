/// What `USBEnumerator.reset(_:)` did.
public enum USBResetOutcome: Sendable, Hashable, CustomStringConvertible {
    /// libusb_reset_device returned 0: the device was reset and kept its address and descriptors.
    case reset
    /// libusb_reset_device returned LIBUSB_ERROR_NOT_FOUND: the device re-enumerated (it will
    /// appear again as a hot-plug add, maybe under another node); open it again by serial.
    case reenumerated

    public var description: String {
        switch self {
        case .reset: "reset"
        case .reenumerated: "reset; the device re-enumerated and must be opened again"
        }
    }
}

extension USBEnumerator {
    /// Resets a hung device (for example a USB-serial adapter that stopped answering) with a USB
    /// port reset: libusb_open of the device matching `match`, then libusb_reset_device. Any open
    /// tty on it sees a hang-up; a `HotplugMonitor` sees it leave and return with the same serial.
    ///
    /// - Throws: `USBError.notFound`, `.permissionDenied` (needs write access to the usbfs node),
    ///   `.disconnected`, or `.libusb`.
    public func reset(_ match: USBDeviceMatch) throws(USBError) -> USBResetOutcome {
        let handle = try LibUSBHandle(match: match)
        let rc = handle.reset()
        switch rc {
        case 0: return .reset
        case -5: return .reenumerated  // LIBUSB_ERROR_NOT_FOUND
        default: throw LibUSBHandle.error(rc, call: "libusb_reset_device", match: match)
        }
    }
}
