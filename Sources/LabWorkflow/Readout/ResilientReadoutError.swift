import ReaderProtocol

/// Why a resilient readout gave up. Each case says one thing.
public enum ResilientReadoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reader was disconnected and did not answer again within the wait.
    case readerDidNotReturn(serial: String?, waited: Duration, lastProblem: String)
    /// CLEAR_EVENTS left these fault events latched: the cause is still there.
    case faultPersists(ReaderEvents)
    /// The device did not answer the first HELLO/IDENTIFY: not a reader, switched off, or the wrong
    /// path. No batch was opened or changed.
    case noAnswer(reason: String)
    /// The lab's database stayed unavailable for the whole wait; the reader keeps what it held.
    case databaseDidNotReturn(waited: Duration, lastProblem: String, held: DatabaseOutage.Held?)

    /// Whether this is ``noAnswer(reason:)``.
    public var isNoAnswer: Bool {
        if case .noAnswer = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case let .readerDidNotReturn(serial, waited, last):
            "reader \(serial ?? "") did not come back within \(ResilientReadout.Notice.seconds(waited)) (last: \(last)); "
                + "the batch stays open: plug the reader in and run the same command again to resume"
        case let .noAnswer(reason):
            "the device does not answer as a TL reader (\(reason)): check the path, the cable and that the reader is on; no batch was opened or changed"
        case let .databaseDidNotReturn(waited, last, held):
            "the database did not come back within \(ResilientReadout.Notice.seconds(waited)) (last: \(last))"
                + (held.map { "; \($0)" } ?? "") + "; the batch stays open"
        case let .faultPersists(events):
            "the reader still reports \(events) after clearing: fix the cause at the reader, then run again"
        }
    }
}
