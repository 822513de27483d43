import Dosimetry
import Foundation
import LabStore

/// One card of a type test as the irradiation facility records it: its role, its field and the
/// conventional true dose. The harness passes the lab only what the lab would know (role, anneal date,
/// the delivered dose of its own calibration dosimeters); worker cards are evaluated blind.
public struct TypeTestCard: Sendable, Hashable {
    public enum Radiation: String, Sendable, Hashable { case photon, beta }

    public var cardID: String
    public var role: BatchCard.Role
    public var daysSinceAnneal: Double
    /// Reference field name (ISO 4037 / ISO 6980), e.g. "N-80", "Sr-90/Y-90".
    public var field: String
    public var angleDegrees: Double
    public var radiation: Radiation
    /// Conventional true Hp(10, α); nil when the field does not state it (beta).
    public var hp10: MilliSievert?
    /// Conventional true Hp(0.07, α).
    public var hp007: MilliSievert?

    public init(
        cardID: String, role: BatchCard.Role, daysSinceAnneal: Double, field: String, angleDegrees: Double,
        radiation: Radiation, hp10: MilliSievert?, hp007: MilliSievert?
    ) {
        self.cardID = cardID
        self.role = role
        self.daysSinceAnneal = daysSinceAnneal
        self.field = field
        self.angleDegrees = angleDegrees
        self.radiation = radiation
        self.hp10 = hp10
        self.hp007 = hp007
    }

    /// "N-80 60°".
    public var label: String { "\(field) \(Int(angleDegrees.rounded()))°" }

    /// What the lab is told about this card.
    func shipmentCard(readAt: Date) -> ShipmentCard {
        let annealed = readAt.subtracting(Days(daysSinceAnneal))
        switch role {
        case .calibration:
            return ShipmentCard(
                cardID: cardID, role: .calibration, annealedAt: annealed, deliveredHp10MilliSievert: hp10?.value,
                deliveredHp007MilliSievert: hp007?.value, referenceField: field)
        case .control, .worker:
            return ShipmentCard(cardID: cardID, role: role, annealedAt: annealed)
        }
    }
}
