import Foundation
import LabStore

/// The checks a batch manifest passes before any batch is opened, so that a bad value is refused
/// with a message that names the card and the field — not by the database's CHECK after the batch
/// was opened (issue 11, finding 8).
public enum ManifestValidation {
    /// Why a manifest entry is refused.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// 1-based position of the entry in the list.
        public var entry: Int
        public var cardID: String
        public var reason: String
        public var description: String {
            "the manifest's entry \(entry) (card \(ControlCharacters.escaped(String(cardID.prefix(64))))): \(reason)"
        }
    }

    /// Checks every entry: card ID 1–64 characters without control characters or surrounding spaces,
    /// each card once; delivered doses finite and above 0 when given; a calibration card has both
    /// delivered doses (the dose algorithm calibrates the reader with them).
    public static func check(_ cards: [ShipmentCard]) throws(Problem) {
        var seen = Set<String>()
        for (i, card) in cards.enumerated() {
            func refuse(_ reason: String) -> Problem { Problem(entry: i + 1, cardID: card.cardID, reason: reason) }
            let id = card.cardID
            guard (1...64).contains(id.count), id.trimmingCharacters(in: .whitespaces) == id,
                  !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw refuse("the card ID must be 1 to 64 characters without control characters or surrounding spaces")
            }
            guard seen.insert(id).inserted else { throw refuse("the card is listed twice") }
            for (field, value) in [("deliveredHp10MilliSievert", card.deliveredHp10MilliSievert),
                                   ("deliveredHp007MilliSievert", card.deliveredHp007MilliSievert)] {
                if let value, !(value.isFinite && value > 0 && value <= 1e4) {
                    throw refuse("\(field) must be a number above 0 and at most 10 000 mSv")
                }
            }
            if card.role == .calibration && (card.deliveredHp10MilliSievert == nil || card.deliveredHp007MilliSievert == nil) {
                throw refuse("a calibration card needs deliveredHp10MilliSievert and deliveredHp007MilliSievert (the doses the lab gave it)")
            }
            if let field = card.referenceField, field.count > 64 || field.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw refuse("referenceField must be at most 64 characters without control characters")
            }
        }
    }
}
