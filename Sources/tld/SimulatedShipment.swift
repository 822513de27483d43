import Dosimetry
import Foundation
import LabWorkflow
import TLSimulator

/// What the lab knows of a simulated shipment: roles, anneal dates, and the doses the lab delivered to
/// its own calibration dosimeters. The workers' true doses are NOT passed on: they stay in the
/// scenario file, for comparison only.
enum SimulatedShipment {
    static func manifest(of scenario: Scenario, now: Date) -> [ShipmentCard] {
        scenario.cards.map { card in
            let annealed = now.subtracting(Days(card.daysSinceAnneal))
            switch card.role {
            case .calibration:
                return ShipmentCard(
                    cardID: card.id, role: .calibration, annealedAt: annealed,
                    deliveredHp10MilliSievert: card.hp10MilliSievert, deliveredHp007MilliSievert: card.hp007MilliSievert,
                    referenceField: card.quality)
            case .control:
                return ShipmentCard(cardID: card.id, role: .control, annealedAt: annealed)
            case .worker:
                return ShipmentCard(cardID: card.id, role: .worker, annealedAt: annealed)
            }
        }
    }
}
