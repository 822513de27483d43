import SystemPackage
import Testing
@testable import DeviceIO

@Suite("SerialError messages")
struct SerialErrorTests {
    @Test("each message names the path, and the call and errno where it has them")
    func messages() {
        let path = "/dev/ttyUSB7"
        let cases: [(SerialError, [String])] = [
            (.notFound(path: path), [path, "ENOENT"]),
            (.permissionDenied(path: path), [path, "EACCES", "dialout", "udev"]),
            (.busy(path: path), [path, "flock", "TIOCEXCL"]),
            (.notATerminal(path: path), [path, "tcgetattr", "ENOTTY"]),
            (.disconnected(path: path), [path, "EIO", "unplugged"]),
            (.timedOut(path: path, call: "write", timeout: .milliseconds(200)), [path, "write", "0.2"]),
            (.unsupportedBaudRate(path: path, baudRate: 0), [path, "0 baud"]),
            (.closed(path: path), [path, "closed"]),
            (.cancelled(path: path), [path, "cancelled"]),
            (.system(.ioError, call: "tcdrain", path: path), [path, "tcdrain", "EIO", "Input/output error"]),
        ]
        for (error, fragments) in cases {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error) lacks \(fragment)")
            }
        }
    }

    @Test("errno names come from the C library", arguments: [
        (Errno.ioError, "EIO"), (.interrupted, "EINTR"), (.inappropriateIOCTLForDevice, "ENOTTY"),
        (.wouldBlock, "EAGAIN"), (Errno(rawValue: 99_999), "errno 99999"),
    ])
    func errnoNames(errno: Errno, name: String) {
        #expect(errno.symbolicName == name)
    }
}
