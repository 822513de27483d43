import Foundation

/// A reusable TL dosimeter card: the `card` table. Its pellets are rows of `cardElement`.
public struct Card: Sendable, Hashable, Codable {
    /// The card's unique number (its barcode).
    public var id: String
    public var dosimeterType: DosimeterType
    /// Pellet positions on the card, 1…4.
    public var elementCount: Int
    public var state: CardState
    public var stateChangedAt: Date
    /// The batch that read the card last.
    public var lastBatchID: ReadoutBatch.ID?
    /// The issue the card is on (from issue to zeroing), nil when none.
    public var currentIssueID: CardIssue.ID?

    public init(
        id: String, dosimeterType: DosimeterType, elementCount: Int = 4, state: CardState = .available,
        stateChangedAt: Date, lastBatchID: ReadoutBatch.ID? = nil, currentIssueID: CardIssue.ID? = nil
    ) {
        self.id = id
        self.dosimeterType = dosimeterType
        self.elementCount = elementCount
        self.state = state
        self.stateChangedAt = stateChangedAt
        self.lastBatchID = lastBatchID
        self.currentIssueID = currentIssueID
    }
}

/// One pellet position of a card: the `cardElement` table. `zeroedAt` is when its dose was last
/// cleared in the records (after readout, release and anneal).
public struct CardElement: Sendable, Hashable, Codable {
    public var cardID: String
    /// 1…4.
    public var element: Int
    public var zeroedAt: Date?

    public init(cardID: String, element: Int, zeroedAt: Date?) {
        self.cardID = cardID
        self.element = element
        self.zeroedAt = zeroedAt
    }
}
