import Foundation  // NSLock
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread-safe in-memory link to a ``ReaderEngine``, for transport tests without a pty: bytes written
/// by the host come back as the reader's reply bytes, with the engine's clock following either the
/// monotonic wall clock or a clock the test moves by hand.
/// ```swift
/// let link = SimulatedReaderConnection(engine: try ReaderEngine(scenario: try Scenario.builtin()), clock: .manual)
/// let reply = link.exchange(Request.status.frame(sequence: 1).encodeForWire())
/// link.advance(milliseconds: 50)
/// ```
public final class SimulatedReaderConnection: @unchecked Sendable {
    // @unchecked: `engine` and `manualNow` are only touched while holding `lock`.
    public enum Clock: Sendable, Hashable {
        /// Engine time follows CLOCK_MONOTONIC from the moment the connection is made.
        case wall
        /// Engine time moves only through ``advance(milliseconds:)``.
        case manual
    }

    private let lock = NSLock()
    private var engine: ReaderEngine
    private let clock: Clock
    private var manualNow: SimulatedInstant
    private let origin: UInt64
    private let engineOrigin: SimulatedInstant

    public init(engine: ReaderEngine, clock: Clock = .wall) {
        self.engine = engine
        self.clock = clock
        manualNow = engine.now
        engineOrigin = engine.now
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        origin = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Delivers host bytes to the reader and returns what the reader sends back (possibly nothing,
    /// e.g. for a partial frame).
    public func exchange(_ bytes: [UInt8]) -> [UInt8] {
        lock.withLock { engine.receive(bytes, now: currentInstant()) }
    }

    /// Moves a manual clock forward (heating, loading and ejecting progress). With the wall clock it
    /// only lets the engine catch up with real time.
    public func advance(milliseconds: Double) {
        lock.withLock {
            if clock == .manual { manualNow = manualNow.advanced(byMilliseconds: milliseconds) }
            engine.advance(to: currentInstant())
        }
    }

    /// Runs `body` on the engine under the lock (to inspect its status or scenario).
    public func withEngine<T>(_ body: (inout ReaderEngine) -> T) -> T {
        lock.withLock { body(&engine) }
    }

    /// Must be called with `lock` held.
    private func currentInstant() -> SimulatedInstant {
        switch clock {
        case .manual: return manualNow
        case .wall:
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let now = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
            return SimulatedInstant(nanoseconds: engineOrigin.nanoseconds &+ (now &- origin))
        }
    }
}
