import ReaderProtocol

/// What it takes to go on after a reader error: the one classification that the driver's own recovery
/// (``TLReader/readMagazine(into:annealAfterReading:recoveries:progress:)``), the workflow's reconnect
/// (`ResilientReadout` in LabWorkflow) and the command line's hints all use.
///
/// ```swift
/// switch ReaderRecovery(error) {
/// case .restartSession: // HELLO and STATUS again on the same line
/// case .reopenConnection: // open the port again, then resume
/// case .operatorClearsFault(let events): // ask the operator, then CLEAR_EVENTS
/// case .stop: throw error
/// }
/// ```
public enum ReaderRecovery: Sendable, Hashable {
    /// The link stayed dead after every retransmission (noise, a reader that stopped answering for a
    /// while) or the reader rebooted (`notInitialised`): the session starts again with HELLO and STATUS;
    /// when that keeps failing, the connection is opened again.
    case restartSession
    /// The transport failed (the port hung up or closed): the connection must be opened again.
    case reopenConnection
    /// A fault the operator must clear at the reader (jam, door open, heater or high-voltage fault),
    /// then its latched events; never cleared without the operator's word.
    case operatorClearsFault(ReaderEvents)
    /// Nothing to recover automatically (a sink failure, a protocol violation, cancellation, a timeout):
    /// stop and report. The batch stays resumable.
    case stop

    /// Classifies a reader error, also when it is wrapped in a ``ReadoutError``; any other error is
    /// ``stop``.
    public init(_ error: any Error) {
        let readerError: TLReaderError? = switch error {
        case let e as TLReaderError: e
        case let e as ReadoutError: e.readerError
        default: nil
        }
        switch readerError {
        case .link(.linkLost)?: self = .restartSession
        case .link(.transport)?: self = .reopenConnection
        case let .fault(events, _, _)?: self = .operatorClearsFault(events.isEmpty ? .faults : events)
        case let .reader(code, _, _)?:
            switch code {
            case .notInitialised: self = .restartSession
            case .jam: self = .operatorClearsFault(.jam)
            case .doorOpen: self = .operatorClearsFault(.doorOpen)
            case .heaterFault: self = .operatorClearsFault(.heaterFault)
            case .highVoltageFault: self = .operatorClearsFault(.highVoltageFault)
            default: self = .stop
            }
        default: self = .stop
        }
    }

    /// Whether the line is gone (``restartSession`` or ``reopenConnection``): a reconnect may help.
    public var isConnectionLoss: Bool { self == .restartSession || self == .reopenConnection }

    /// The fault events the operator must clear, for ``operatorClearsFault(_:)``; nil otherwise.
    public var faultEvents: ReaderEvents? {
        if case let .operatorClearsFault(events) = self { return events }
        return nil
    }
}
