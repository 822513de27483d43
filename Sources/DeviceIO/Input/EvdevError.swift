import SystemPackage

/// Why an evdev (keyboard-wedge scanner) operation failed.
public enum EvdevError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case permissionDenied(path: String)
    /// EVIOCGRAB failed: another program holds the device exclusively (EBUSY), or the node is not
    /// an evdev device (ENOTTY).
    case grabFailed(path: String, Errno)
    /// The scanner was unplugged (ENODEV, EIO, hang-up or end of file).
    case disconnected(path: String)
    case cancelled(path: String)
    case system(Errno, call: String, path: String)

    public var description: String {
        switch self {
        case .notFound(let path): "No input device at \(path): is the scanner plugged in?"
        case .permissionDenied(let path):
            "Permission denied opening \(path): install the lab's udev rules (`tld udev install`, group plugdev) or join group 'input'."
        case .grabFailed(let path, let errno):
            errno == .resourceBusy
                ? "\(path) is held exclusively by another program (EVIOCGRAB: EBUSY): close it and try again."
                : "cannot take \(path) for this program alone (EVIOCGRAB: \(errno.nameAndText)); its scans would reach the desktop, so it is not read."
        case .disconnected(let path): "\(path) was disconnected (the scanner was unplugged)."
        case .cancelled(let path): "The task waiting on \(path) was cancelled."
        case .system(let errno, let call, let path): "\(call) on \(path) failed: \(errno.nameAndText)."
        }
    }
}
