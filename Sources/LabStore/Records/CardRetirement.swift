import Foundation

/// Why and when a card left the lab's stock for good: the `cardRetirement` table (append-only).
public struct CardRetirement: Sendable, Hashable, Codable {
    public typealias ID = RecordID<CardRetirement>

    public var id: ID?
    public var cardID: String
    /// The state the card was in when it was retired.
    public var fromState: CardState
    public var why: String
    public var retiredAt: Date

    public init(id: ID? = nil, cardID: String, fromState: CardState, why: String, retiredAt: Date) {
        self.id = id
        self.cardID = cardID
        self.fromState = fromState
        self.why = why
        self.retiredAt = retiredAt
    }
}
