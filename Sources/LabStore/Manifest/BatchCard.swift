import Foundation

/// What the lab knows of one card of a batch before reading it: the `batchCard` table.
public struct BatchCard: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Worn by a worker: its dose is to be assessed.
        case worker
        /// Irradiated by the lab to a known dose in the reference field: calibrates the reader.
        case calibration
        /// Travelled unirradiated with the shipment: measures the transport/natural background.
        case control
    }

    public var batchID: ReadoutBatch.ID
    public var cardID: String
    public var role: Role
    /// Last anneal (zeroing) before this wear period; nil when unknown (no fading correction then).
    public var annealedAt: Date?
    /// For calibration dosimeters: the delivered doses.
    public var deliveredHp10MilliSievert: Double?
    public var deliveredHp007MilliSievert: Double?
    /// For calibration dosimeters: the reference field (e.g. "S-Cs").
    public var referenceField: String?
    /// The issue this reading belongs to (card → issue → enrolment → wearer, period); nil for the lab's
    /// own calibration and control dosimeters and for cards the lab does not know.
    public var issueID: CardIssue.ID?
    /// The card's dosimeter type, when the lab knows it: each type is evaluated by its own algorithm.
    public var dosimeterType: DosimeterType?
    /// The lab did not expect this card in the batch: it is read and stored, and its dose goes to review.
    public var unexpected: Bool

    public init(
        batchID: ReadoutBatch.ID, cardID: String, role: Role, annealedAt: Date?,
        deliveredHp10MilliSievert: Double? = nil, deliveredHp007MilliSievert: Double? = nil,
        referenceField: String? = nil, issueID: CardIssue.ID? = nil, dosimeterType: DosimeterType? = nil,
        unexpected: Bool = false
    ) {
        self.issueID = issueID
        self.dosimeterType = dosimeterType
        self.unexpected = unexpected
        self.batchID = batchID
        self.cardID = cardID
        self.role = role
        self.annealedAt = annealedAt
        self.deliveredHp10MilliSievert = deliveredHp10MilliSievert
        self.deliveredHp007MilliSievert = deliveredHp007MilliSievert
        self.referenceField = referenceField
    }
}
