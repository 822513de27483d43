import Foundation

/// One element position of one card in one batch, and what the reader gave for it: the
/// `elementReading` table. Exactly one row per (batch, card, element); rows never change.
///
/// ```swift
/// let reading = ElementReading(batchID: batch.id!, cardID: "C-000123", element: 1,
///                              readAt: now, outcome: .stored(curve))
/// let saved = try store.saveElementReading(reading)   // durable when this returns
/// ```
///
/// In the database a stored curve is flat columns plus two BLOBs (``ChannelBlobCodec``); a lost
/// or absent element has no curve columns at all (a CHECK constraint enforces it).
public struct ElementReading: Sendable, Hashable {
    public typealias ID = RecordID<ElementReading>

    /// What the reader gave for the element.
    public enum Outcome: Sendable, Hashable {
        /// A complete curve.
        case stored(ElementCurve)
        /// The signal is gone (e.g. heating interrupted); `reason` says why, for the record.
        case lost(reason: String)
        /// No pellet in this position.
        case absent
    }

    /// Set by the store on insert.
    public var id: ID?
    public var batchID: ReadoutBatch.ID
    /// The card's ID as read from its barcode.
    public var cardID: String
    /// Element position on the card, 1-based (1…4).
    public var element: Int
    public var readAt: Date
    public var outcome: Outcome

    public init(
        id: ID? = nil, batchID: ReadoutBatch.ID, cardID: String, element: Int, readAt: Date,
        outcome: Outcome
    ) {
        self.id = id
        self.batchID = batchID
        self.cardID = cardID
        self.element = element
        self.readAt = readAt
        self.outcome = outcome
    }

    public var status: ElementStatus {
        switch outcome {
        case .stored: .stored
        case .lost: .lost
        case .absent: .absent
        }
    }

    /// The curve, when the element was stored.
    public var curve: ElementCurve? {
        if case let .stored(curve) = outcome { curve } else { nil }
    }
}
