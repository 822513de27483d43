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

    deinit { _ = system_eventfdClose(fd) }

    /// Makes `fd` readable. Safe from any thread (a write(2) of 8 bytes to an eventfd).
    func signal() {
        _ = system_eventfdWrite(fd, 1)
    }

    /// Consumes pending signals so the next poll waits again.
    func reset() {
        _ = system_eventfdRead(fd)
    }
}
