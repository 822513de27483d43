import Synchronization

/// A clock whose time moves only when a test calls ``advance(by:)``: tests of timeouts, retries and
/// polls let time pass without sleeping, and run as fast on a loaded machine as on an idle one.
///
/// Code under test sleeps on it as on any `Clock`; ``waitForSleeper(until:)`` lets a test wait (without
/// time passing) until the code has reached such a sleep, so that the order of events is fixed:
/// ```swift
/// let clock = ManualClock()
/// let read = Task { try await link.host.read(maxCount: 10, timeout: .milliseconds(40)) }
/// try await clock.waitForSleeper(until: clock.now.advanced(by: .milliseconds(40)))
/// clock.advance(by: .milliseconds(40))
/// #expect(try await read.value.isEmpty)
/// ```
/// Sleepers are resumed in deadline order; cancelling a sleeping task ends its sleep with
/// `CancellationError`, as `Task.sleep` does.
public final class ManualClock: Clock {
    public struct Instant: InstantProtocol {
        /// Time since the clock was made.
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: UInt64
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct Watcher {
        let id: UInt64
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now = Instant(offset: .zero)
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Sleeps and watches cancelled before they were registered.
        var cancelled: Set<UInt64> = []
        var watchers: [Watcher] = []
    }
    private let state = Mutex(State())

    public init() {}

    deinit {
        // Nothing can sleep on a clock that is gone; end what is left rather than leak it.
        let (left, watching) = state.withLock { s in
            defer {
                s.sleepers = []
                s.watchers = []
            }
            return (s.sleepers, s.watchers)
        }
        for sleeper in left { sleeper.continuation.resume(throwing: CancellationError()) }
        for watcher in watching { watcher.continuation.resume(throwing: CancellationError()) }
    }

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// Deadlines of the sleeps in progress, earliest first.
    public var sleepingUntil: [Instant] { state.withLock { $0.sleepers.map(\.deadline).sorted() } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                enum Now { case wait, ring, cancel }
                let (now, woken): (Now, [Watcher]) = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return (.cancel, []) }
                    if deadline <= s.now { return (.ring, []) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    let (ready, waiting) = s.watchers.partitioned { $0.deadline == deadline }
                    s.watchers = waiting
                    return (.wait, ready)
                }
                switch now {
                case .ring: c.resume()
                case .cancel: c.resume(throwing: CancellationError())
                case .wait: for w in woken { w.continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                guard let i = s.sleepers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.sleepers.remove(at: i)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    /// Moves time forward and wakes, in deadline order, every sleep that is due.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "time does not go back")
        let due: [Sleeper] = state.withLock { s in
            s.now = s.now.advanced(by: duration)
            let now = s.now
            let (due, waiting) = s.sleepers.partitioned { $0.deadline <= now }
            s.sleepers = waiting
            return due.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once something sleeps until exactly `deadline` (at once when something already does).
    /// Time does not pass while waiting: this is how a test knows the code reached its wait.
    ///
    /// - Throws: `CancellationError` at once when the waiting task is cancelled (by the test's
    ///   `.timeLimit`, say): the test stops there, instead of the whole run hanging on a sleep its code
    ///   never reached, or going on to advance a clock its code is not waiting on.
    public func waitForSleeper(until deadline: Instant) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try Task.checkCancellation()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                enum Now { case wait, found, cancel }
                let now: Now = state.withLock { s in
                    if s.cancelled.remove(id) != nil { return .cancel }
                    if s.sleepers.contains(where: { $0.deadline == deadline }) { return .found }
                    s.watchers.append(Watcher(id: id, deadline: deadline, continuation: c))
                    return .wait
                }
                switch now {
                case .wait: break
                case .found: c.resume()
                case .cancel: c.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let watcher: Watcher? = state.withLock { s in
                guard let i = s.watchers.firstIndex(where: { $0.id == id }) else {
                    s.cancelled.insert(id)
                    return nil
                }
                return s.watchers.remove(at: i)
            }
            watcher?.continuation.resume(throwing: CancellationError())
        }
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    /// Watches in progress (``waitForSleeper(until:)`` calls that have not returned), for tests of the clock.
    public var watcherCount: Int { state.withLock { $0.watchers.count } }

    /// ``waitForSleeper(until:)`` for `now + delay`.
    public func waitForSleeper(after delay: Duration) async throws {
        try await waitForSleeper(until: now.advanced(by: delay))
    }
}

extension Array {
    fileprivate func partitioned(by isFirst: (Element) -> Bool) -> (matching: [Element], rest: [Element]) {
        var matching: [Element] = []
        var rest: [Element] = []
        for e in self {
            if isFirst(e) { matching.append(e) } else { rest.append(e) }
        }
        return (matching, rest)
    }
}
