/// Why a workflow step stopped. Each case says one thing.
public enum WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    case conflictingReading(cardID: String, element: Int, existing: String)
    case noCalibration(batchGroupID: String, reason: String)
    case batchNotFound(String)
    /// The system could not start the thread the readout's store writes run on (out of threads).
    case noWriterThread

    public var description: String {
        switch self {
        case let .conflictingReading(c, e, s):
            "card \(c) element \(e): the reader offers a curve that differs from the one already recorded (\(s)); nothing was overwritten"
        case let .noCalibration(g, r):
            "batch \(g): no reader calibration available (\(r)); the raw readings are stored and can be evaluated once a calibration exists"
        case let .batchNotFound(s): "no readout batch \(s)"
        case .noWriterThread: "cannot start the thread for the readout's store writes (the system is out of threads); nothing was read"
        }
    }
}
