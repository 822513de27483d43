/// A point on the simulator's clock, in nanoseconds from an arbitrary origin. The engine never reads a
/// clock itself: callers pass the time in (tests step it by hand, the pty server uses a monotonic clock).
public struct SimulatedInstant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = SimulatedInstant(nanoseconds: 0)

    public static func milliseconds(_ ms: Double) -> SimulatedInstant {
        SimulatedInstant(nanoseconds: UInt64(max(0, ms) * 1e6))
    }

    public func advanced(byMilliseconds ms: Double) -> SimulatedInstant {
        SimulatedInstant(nanoseconds: nanoseconds &+ UInt64(max(0, ms) * 1e6))
    }

    /// Milliseconds from `earlier` to this instant (0 when `earlier` is later).
    public func milliseconds(since earlier: SimulatedInstant) -> Double {
        nanoseconds >= earlier.nanoseconds ? Double(nanoseconds - earlier.nanoseconds) / 1e6 : 0
    }

    public static func < (a: SimulatedInstant, b: SimulatedInstant) -> Bool { a.nanoseconds < b.nanoseconds }
    public var description: String { "t=\(Double(nanoseconds) / 1e6) ms" }
}
