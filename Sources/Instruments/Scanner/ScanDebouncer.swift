/// Drops a code read again within `window` of its previous reading: a double scan, or a scanner
/// in continuous mode held over a label. The window restarts at every reading of the code, so a
/// label held under the scanner is reported once.
public struct ScanDebouncer: Sendable, Hashable {
    public let window: Duration
    private var lastSeen: [[UInt8]: ContinuousClock.Instant] = [:]

    public init(window: Duration) {
        self.window = window
    }

    /// Whether `code`, read at `now`, is a new scan (true) or a repeat to drop (false).
    public mutating func admit(_ code: [UInt8], at now: ContinuousClock.Instant) -> Bool {
        lastSeen = lastSeen.filter { now - $0.value < window }
        let isRepeat = lastSeen[code] != nil
        lastSeen[code] = now
        return !isRepeat
    }
}
