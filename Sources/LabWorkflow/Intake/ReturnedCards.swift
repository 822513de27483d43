import Foundation
import LabStore

/// What the lab knows of the cards at the reader, from its own records: each returned card read is
/// attributed to the issue it belongs to (card → its current issue → enrolment → wearer, period), with
/// its dosimeter type and its last anneal. A manifest (file, or the simulator's scenario) is needed
/// only for what the records do not hold: the lab's calibration and control dosimeters, and cards of
/// a bench readout the lab does not register.
public struct ReturnedCards: Sendable {
    let store: any EvaluationStore

    public init(store: any EvaluationStore) {
        self.store = store
    }

    /// The batch manifest for a readout: every card the lab expects (``EvaluationStore/expectedCards()``)
    /// as a worker card attributed to its issue; from `given`, the calibration and control dosimeters,
    /// and worker cards the lab does not register. A registered card the lab does not expect is left
    /// out, so that it is read as an unexpected card and held for review.
    public func manifest(given: [ShipmentCard]) throws -> [ShipmentCard] {
        let expected = try store.expectedCards()
        let expectedIDs = Set(expected.map(\.cardID))
        let givenByID = Dictionary(given.map { ($0.cardID, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [ShipmentCard] = []
        for card in given {
            if card.role != .worker { out.append(card); continue }
            if expectedIDs.contains(card.cardID) { continue }
            if try store.card(id: card.cardID) == nil { out.append(card) }
        }
        for e in expected {
            out.append(ShipmentCard(
                cardID: e.cardID, role: .worker, annealedAt: Self.annealDate(e, given: givenByID[e.cardID]?.annealedAt),
                issueID: e.issueID, dosimeterType: e.dosimeterType))
        }
        return out
    }

    /// A card's last anneal before its wear period, for the fading correction: the end of the last
    /// anneal run whose background check it passed before it was issued; else the date a manifest
    /// gives; else the time its elements were zeroed in the records (cards enter stock zeroed).
    public static func annealDate(_ card: ExpectedCard, given: Date?) -> Date? {
        card.annealedAt ?? given ?? card.zeroedAt
    }
}
