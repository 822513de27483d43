/// How far the readout of one card in a batch has come.
///
/// A card is complete when every element position of the batch's cards (1…`elementsPerCard`) has
/// a row: stored, lost or absent. Only then may the reader eject it.
public struct CardReadoutState: Sendable, Hashable {
    public var cardID: String
    /// Element positions on the card (from the batch).
    public var elementsPerCard: Int
    /// The status of each element position that has a row, by element number.
    public var statuses: [Int: ElementStatus]

    public init(cardID: String, elementsPerCard: Int, statuses: [Int: ElementStatus]) {
        self.cardID = cardID
        self.elementsPerCard = elementsPerCard
        self.statuses = statuses
    }

    /// Element positions with no row yet, ascending.
    public var missingElements: [Int] {
        guard elementsPerCard >= 1 else { return [] }
        return (1...elementsPerCard).filter { statuses[$0] == nil }
    }

    /// Whether every element position is stored, lost or absent.
    public var isComplete: Bool { missingElements.isEmpty }

    /// Element positions with the given status, ascending.
    public func elements(_ status: ElementStatus) -> [Int] {
        statuses.filter { $0.value == status }.map(\.key).sorted()
    }
}
