import ReaderProtocol

/// Why a reader operation failed. Each case says one thing; ``description`` is for the operator.
public enum TLReaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The link layer gave up (see ``ReaderLinkError``). Reconnect, then resume: nothing is lost.
    case link(ReaderLinkError)
    /// The reader answered `ERROR` with a code of PROTOCOL.md 5.5.
    case reader(ReaderErrorCode, detail: String, request: MessageType)
    /// The reader answered `ERROR` with a code this driver does not know.
    case unknownReaderError(code: UInt16, detail: String, request: MessageType)
    /// HELLO found no protocol version both sides speak.
    case noCommonVersion(host: ClosedRange<UInt8>, readerMax: UInt8?)
    /// The reply is valid on the wire but does not fit the request (e.g. another element's data).
    case unexpectedReply(request: MessageType, reply: String)
    /// A fault event (heater, high voltage, door, jam) or the `fault` state stopped the operation.
    /// The operator must clear the cause, then the events (``TLReader/clearEvents(_:)``).
    case fault(ReaderEvents, state: ReaderState, during: String)
    /// A long operation did not finish within T_op.
    case operationTimedOut(String, after: Duration)
    /// The reader is in a state that this operation cannot proceed from.
    case unexpectedState(ReaderState, during: String)
    /// The element is not in a state this operation can handle (e.g. fetching a curve that is not buffered).
    case unexpectedElementState(element: Int, ElementState, during: String)
    /// The curve collected from the reader failed its checks (channel count or CRC-32) on every fetch.
    /// The curve stays buffered in the reader; nothing was released.
    case curveVerificationFailed(element: Int, attempts: Int, reason: String)
    /// An element number outside 1…elementsPerCard, or above 255, was asked for.
    case elementOutOfRange(Int)
    /// An operation needs ``TLReader/connect()`` first.
    case notConnected

    public var description: String {
        switch self {
        case let .link(e): "\(e)"
        case let .reader(code, detail, request):
            "the reader refused \(request): \(code)\(detail.isEmpty ? "" : " (\(detail))")"
        case let .unknownReaderError(code, detail, request):
            "the reader refused \(request) with unknown error code \(code)\(detail.isEmpty ? "" : " (\(detail))")"
        case let .noCommonVersion(host, readerMax):
            "no common protocol version: this host speaks \(host.lowerBound)–\(host.upperBound)"
                + (readerMax.map { ", the reader at most \($0)" } ?? "")
        case let .unexpectedReply(request, reply): "unexpected reply to \(request): \(reply)"
        case let .fault(events, state, during): "reader fault while \(during): \(events) (state \(state))"
        case let .operationTimedOut(op, after): "\(op) did not finish within \(after)"
        case let .unexpectedState(state, during): "reader in unexpected state \(state) while \(during)"
        case let .unexpectedElementState(e, state, during): "element \(e) is \(state), cannot continue \(during)"
        case let .curveVerificationFailed(e, n, reason):
            "element \(e): the curve failed verification in \(n) fetches (\(reason)); it stays buffered in the reader"
        case let .elementOutOfRange(e): "element \(e) is not on this card"
        case .notConnected: "not connected to the reader (call connect first)"
        }
    }

    /// The reader's error code, when the reader refused the request.
    public var readerErrorCode: ReaderErrorCode? {
        if case let .reader(code, _, _) = self { return code }
        return nil
    }
}
