import Foundation

/// A card of a batch without a dose, and why: the `cardNotEvaluated` table (one row per card and
/// batch, removed in the transaction that stores the card's dose).
public struct CardNotEvaluated: Sendable, Hashable, Codable {
    public var batchID: ReadoutBatch.ID
    public var cardID: String
    public var reason: NotEvaluatedReason
    /// The specific cause, e.g. the calibration that was missing.
    public var detail: String
    public var recordedAt: Date

    public init(batchID: ReadoutBatch.ID, cardID: String, reason: NotEvaluatedReason, detail: String, recordedAt: Date) {
        self.batchID = batchID
        self.cardID = cardID
        self.reason = reason
        self.detail = detail
        self.recordedAt = recordedAt
    }
}
