import ReaderProtocol

/// Why a resilient readout gave up. Each case says one thing.
public enum ResilientReadoutError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reader was disconnected and did not answer again within the wait.
    case readerDidNotReturn(serial: String?, waited: Duration, lastProblem: String)
    /// CLEAR_EVENTS left these fault events latched: the cause is still there.
    case faultPersists(ReaderEvents)

    public var description: String {
        switch self {
        case let .readerDidNotReturn(serial, waited, last):
            "reader \(serial ?? "") did not come back within \(ResilientReadout.Notice.seconds(waited)) (last: \(last)); "
                + "the batch stays open: plug the reader in and run the same command again to resume"
        case let .faultPersists(events):
            "the reader still reports \(events) after clearing: fix the cause at the reader, then run again"
        }
    }
}
