import SystemPackage

/// Why a serial-port or pseudo-terminal operation failed. Each case says one thing; its
/// `description` names the device, the C call and the errno where they are known.
public enum SerialError: Error, Equatable, Sendable, CustomStringConvertible {
    /// open(2) found nothing at `path` (ENOENT, ENODEV or ENXIO).
    case notFound(path: String)
    /// open(2) was refused (EACCES or EPERM).
    case permissionDenied(path: String)
    /// Another process has the device: flock(2) gave EWOULDBLOCK, or open(2) gave EBUSY because
    /// the port is in exclusive mode (TIOCEXCL).
    case busy(path: String)
    /// The device is not a terminal: tcgetattr(3) failed with ENOTTY.
    case notATerminal(path: String)
    /// The device went away: poll(2) reported POLLHUP/POLLERR, a read returned EIO, or the port was
    /// readable but read(2) returned 0 bytes (end of file). For a pseudo-terminal: the other end closed.
    case disconnected(path: String)
    /// `call` could not finish within `timeout` (for example a write the device does not accept).
    case timedOut(path: String, call: String, timeout: Duration)
    /// The speed cannot be set: the device rejected it, or it is not positive.
    case unsupportedBaudRate(path: String, baudRate: Int)
    /// The port was used after `close()`.
    case closed(path: String)
    /// The task waiting on the device was cancelled.
    case cancelled(path: String)
    /// Any other failure of `call` on `path`, with its errno.
    case system(Errno, call: String, path: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "No device at \(path) (open: ENOENT): is it plugged in, and is the path right?"
        case .permissionDenied(let path):
            return "Permission denied opening \(path) (open: EACCES): add the user to the 'dialout' group "
                + "(and log in again), or install the lab's udev rules that set GROUP and MODE for the device."
        case .busy(let path):
            return "\(path) is in use by another process (flock: EWOULDBLOCK, or exclusive mode TIOCEXCL: EBUSY): "
                + "close the other program (another tld, screen, minicom, ModemManager) and try again."
        case .notATerminal(let path):
            return "\(path) is not a serial device (tcgetattr: ENOTTY)."
        case .disconnected(let path):
            return "\(path) was disconnected (hang-up, EIO or end of file): the device was unplugged, "
                + "or the other end of the pseudo-terminal closed."
        case .timedOut(let path, let call, let timeout):
            return "\(call) on \(path) did not finish within \(timeout)."
        case .unsupportedBaudRate(let path, let baudRate):
            return "\(path) does not accept a speed of \(baudRate) baud (tcsetattr / TCSETS2)."
        case .closed(let path):
            return "\(path) was used after it was closed."
        case .cancelled(let path):
            return "The task waiting on \(path) was cancelled."
        case .system(let errno, let call, let path):
            return "\(call) on \(path) failed: \(errno.nameAndText)."
        }
    }
}
