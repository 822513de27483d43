/// Any `Clock` that measures in `Duration`, type-erased, so that the drivers take an injected clock
/// without becoming generic: ``continuous`` (the default) in production, a manual clock in tests
/// (`Tests/TestSupport/ManualClock.swift`), whose time moves only when the test says so.
///
/// Its instants are offsets from the moment the clock was wrapped; only differences between them mean
/// anything (like `ContinuousClock.Instant`).
/// ```swift
/// let reader = TLReader(transport: port, clock: ContinuousClock(), logger: logger)
/// ```
public struct AnyClock: Clock {
    /// A point in time of an ``AnyClock``: the duration since the clock was wrapped.
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let currentOffset: @Sendable () -> Duration
    private let sleepUntilOffset: @Sendable (Duration, Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps `clock`; an ``AnyClock`` is returned as it is.
    public init<C: Clock<Duration>>(_ clock: C) {
        if let erased = clock as? AnyClock {
            self = erased
            return
        }
        let origin = clock.now
        currentOffset = { origin.duration(to: clock.now) }
        sleepUntilOffset = { offset, tolerance in try await clock.sleep(until: origin.advanced(by: offset), tolerance: tolerance) }
        minimumResolution = clock.minimumResolution
    }

    /// The real clock: `ContinuousClock` (it keeps counting while the machine sleeps).
    public static var continuous: AnyClock { AnyClock(ContinuousClock()) }

    public var now: Instant { Instant(offset: currentOffset()) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await sleepUntilOffset(deadline.offset, tolerance)
    }
}
