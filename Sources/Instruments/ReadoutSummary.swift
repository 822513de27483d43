/// What a magazine readout did.
public struct ReadoutSummary: Sendable, Hashable {
    /// Cards handled, in order (including a card resumed from an earlier session).
    public var cardIDs: [String] = []
    /// Readings stored and released.
    public var elementsStored = 0
    /// Elements recorded as lost (interrupted: signal gone).
    public var elementsLost = 0
    /// Elements skipped: already released earlier, or absent.
    public var elementsSkipped = 0
    /// The card that was already loaded when the batch started, if any.
    public var resumedCardID: String?
    /// Times the readout started again with HELLO and STATUS after a lost link or a reader reboot.
    public var recoveries = 0

    public init() {}
}

/// Why a magazine readout stopped. Each case says one thing. A readout that stopped can be run again:
/// it resumes from the reader's state and never reads an element twice.
public enum ReadoutError: Error, Sendable, CustomStringConvertible {
    /// The reader or the link failed.
    case reader(TLReaderError)
    /// The sink failed; the element in hand was not released and stays buffered in the reader.
    case sink(operation: String, cardID: String, element: Int?, underlying: any Error)

    public var description: String {
        switch self {
        case let .reader(e): "\(e)"
        case let .sink(op, card, element, underlying):
            "storing failed (\(op), card \(card)\(element.map { ", element \($0)" } ?? "")): \(underlying); "
                + "nothing was released, the reader keeps the curve"
        }
    }

    /// The reader error, when the reader or link stopped the readout.
    public var readerError: TLReaderError? {
        if case let .reader(e) = self { return e }
        return nil
    }
}
