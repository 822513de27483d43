// An eventfd that a cancellation handler can write to, so that a poll(2) blocked on the device
// thread returns at once when its task is cancelled.

import Glibc
import SystemPackage

final class WakeSignal: Sendable {
    /// The eventfd; owned by this object and closed in deinit, never earlier, so a late
    /// cancellation handler cannot write into a descriptor number the process has reused.
    let fd: CInt

    init() throws(Errno) {
        fd = try valueOrErrno(retryOnInterrupt: true) { system_eventfd() }.get()
    }

    deinit { _ = system_close(fd) }

    /// Makes `fd` readable. Safe from any thread (a write(2) of 8 bytes to an eventfd).
    func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { system_write(fd, $0) }
    }

    /// Consumes pending signals so the next poll waits again.
    func reset() {
        var counter: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &counter) { system_read(fd, $0) }
    }
}
