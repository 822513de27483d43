import Foundation
import GRDB

/// What the lab knows of one card of a batch before reading it: the `batchCard` table.
public struct BatchCard: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
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

    public init(
        batchID: ReadoutBatch.ID, cardID: String, role: Role, annealedAt: Date?,
        deliveredHp10MilliSievert: Double? = nil, deliveredHp007MilliSievert: Double? = nil,
        referenceField: String? = nil
    ) {
        self.batchID = batchID
        self.cardID = cardID
        self.role = role
        self.annealedAt = annealedAt
        self.deliveredHp10MilliSievert = deliveredHp10MilliSievert
        self.deliveredHp007MilliSievert = deliveredHp007MilliSievert
        self.referenceField = referenceField
    }
}

extension BatchCard: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "batchCard"
}
