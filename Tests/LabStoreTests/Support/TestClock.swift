import Foundation
import Synchronization

/// A clock for the store that starts at a fixed whole second and advances one second per call,
/// so every stamp the store makes is distinct, predictable and exact at millisecond precision.
final class TestClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z, a whole second
    private let ticks = Mutex(0)

    /// The date the next call of ``now()`` returns.
    var next: Date { ticks.withLock { Self.start.addingTimeInterval(Double($0)) } }

    @Sendable func now() -> Date {
        ticks.withLock { tick in
            defer { tick += 1 }
            return Self.start.addingTimeInterval(Double(tick))
        }
    }
}
