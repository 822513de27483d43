import Foundation
import LabStore

/// What the lab knows of a card before it is read: its role in the batch, its last anneal, and for
/// a calibration dosimeter the dose the lab delivered to it. It comes from the lab's own records (the
/// issue of the card, the calibration irradiation), never from the card's reading.
public struct ShipmentCard: Sendable, Hashable, Codable {
    public var cardID: String
    public var role: BatchCard.Role
    public var annealedAt: Date?
    public var deliveredHp10MilliSievert: Double?
    public var deliveredHp007MilliSievert: Double?
    public var referenceField: String?
    /// The issue the card is read for (from the lab's records), nil for the lab's own dosimeters.
    public var issueID: CardIssue.ID?
    /// The card's dosimeter type, when the lab knows it.
    public var dosimeterType: DosimeterType?

    public init(
        cardID: String, role: BatchCard.Role, annealedAt: Date?, deliveredHp10MilliSievert: Double? = nil,
        deliveredHp007MilliSievert: Double? = nil, referenceField: String? = nil, issueID: CardIssue.ID? = nil,
        dosimeterType: DosimeterType? = nil
    ) {
        self.issueID = issueID
        self.dosimeterType = dosimeterType
        self.cardID = cardID
        self.role = role
        self.annealedAt = annealedAt
        self.deliveredHp10MilliSievert = deliveredHp10MilliSievert
        self.deliveredHp007MilliSievert = deliveredHp007MilliSievert
        self.referenceField = referenceField
    }

    func batchCard(_ batch: ReadoutBatch.ID) -> BatchCard {
        BatchCard(
            batchID: batch, cardID: cardID, role: role, annealedAt: annealedAt,
            deliveredHp10MilliSievert: deliveredHp10MilliSievert, deliveredHp007MilliSievert: deliveredHp007MilliSievert,
            referenceField: referenceField, issueID: issueID, dosimeterType: dosimeterType)
    }
}
