// Fault injection for the system-call layer, in the manner of swift-system's
// `Internals/Mocking.swift`, with two differences that our threads force on us:
//
// * swift-system keeps its mocking driver in thread-local storage. Our actors run on their own
//   threads (see `DedicatedThreadExecutor`), so a thread-local set by a test would not be seen
//   there. A `@TaskLocal` is: task-local values travel with the task onto whatever executor runs it.
// * swift-system's mocks replace the call entirely. Ours pass through to the real call unless a
//   fault is queued for it, so a test can use a real pseudo-terminal and still force EINTR, EIO
//   or ENOTTY at one precise call.
//
// Compiled only in debug builds; release builds call straight through (`mockedErrno` is gone).

#if DEBUG
import Synchronization
import SystemPackage

/// The system calls that `Syscalls.swift` wraps, as names a test can inject faults into.
enum Syscall: String, Sendable, Hashable, CaseIterable {
    case open, close, read, write, poll, flock, ioctl
    case tcgetattr, tcsetattr, tcdrain, tcflush
    case setCustomBaud, getCustomBaud
    case openPtyMaster, ptsname, eventfd, fcntl
}

/// A recorder and fault injector for the system calls made by the current task.
///
///     let mock = SyscallMock()
///     mock.inject(.interrupted, into: .poll, times: 2)
///     try await SyscallMock.$current.withValue(mock) { _ = try await port.read(maxCount: 8, timeout: .seconds(1)) }
///     #expect(mock.count(of: .poll) >= 3)
final class SyscallMock: Sendable {
    /// The mock the system-call wrappers consult; `nil` (the default) means no mocking.
    @TaskLocal static var current: SyscallMock?

    private struct State {
        var faults: [Syscall: [Errno]] = [:]
        var trace: [Syscall] = []
    }
    private let state = Mutex(State())

    init() {}

    /// Makes the next `times` calls of `call` fail with `errno` without reaching the kernel.
    func inject(_ errno: Errno, into call: Syscall, times: Int = 1) {
        state.withLock { $0.faults[call, default: []].append(contentsOf: repeatElement(errno, count: times)) }
    }

    /// Every wrapped call made while this mock was current, in order (failed ones included).
    var trace: [Syscall] { state.withLock { $0.trace } }

    /// How many times `call` was made while this mock was current.
    func count(of call: Syscall) -> Int { state.withLock { $0.trace.lazy.filter { $0 == call }.count } }

    /// How many injected faults have not fired yet.
    var pendingFaults: Int { state.withLock { $0.faults.values.reduce(0) { $0 + $1.count } } }

    /// Records `call` and returns the errno to fail it with, if one is queued.
    fileprivate func intercept(_ call: Syscall) -> Errno? {
        state.withLock { state in
            state.trace.append(call)
            guard var queue = state.faults[call], !queue.isEmpty else { return nil }
            let errno = queue.removeFirst()
            state.faults[call] = queue
            return errno
        }
    }
}

/// Called first thing by every wrapper in `Syscalls.swift`: the errno to fail with, or `nil` to
/// make the real call.
@inline(__always)
func mockedErrno(_ call: Syscall) -> Errno? {
    SyscallMock.current?.intercept(call)
}
#endif
