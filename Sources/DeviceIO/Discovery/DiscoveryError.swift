import SystemPackage

/// Why listing devices through libudev or libusb failed.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// udev_new(3) or udev_enumerate_new returned NULL (out of memory, or no /sys).
    case udevUnavailable(call: String)
    /// A libudev call returned a negative errno.
    case udev(Errno, call: String)
    /// A libusb call failed; `code` is the `LIBUSB_ERROR_*` value and `name` its libusb_error_name.
    case usb(code: Int32, name: String, call: String)

    public var description: String {
        switch self {
        case .udevUnavailable(let call):
            return "libudev is unavailable: \(call) returned NULL (is /sys mounted?)."
        case .udev(let errno, let call):
            return "\(call) failed: \(errno.nameAndText)."
        case .usb(let code, let name, let call):
            return "\(call) failed: \(name) (\(code))."
        }
    }
}
