import Foundation

/// The card-cycle rules of an inspection, in the interface so that every backend applies the same
/// ones in the same order (DOMAIN.md: inspection on arrival before readout, inspection before reissue
/// after zeroing; a damaged or lost card is retired). The database's interlock triggers check the
/// resulting move again.
extension CardInspection {
    /// The checks that need no card: an inspector's name; a remark for manual QA (it goes on the result
    /// line); no manual QA before reissue.
    public func validate() throws(LabStoreError) {
        guard !inspectedBy.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidInspection("the inspector's name is missing")
        }
        if outcome == .manualQA && remark.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalidInspection("readout with manual QA needs a remark for the result line")
        }
        if stage == .beforeReissue && outcome == .manualQA {
            throw .invalidInspection("before reissue a card is fit or retired; manual QA is for readout")
        }
    }

    /// The state `card` moves to with this inspection: on arrival `returned → inspected` (fit, manual
    /// QA) or `returned/released → retired`; before reissue `zeroed → available` (fit) or
    /// `zeroed/released → retired`. A damage must name an element the card has.
    public func move(of card: Card) throws(LabStoreError) -> CardState {
        for damage in damages {
            if let e = damage.element, !(1...card.elementCount).contains(e) {
                throw LabStoreError.elementOutOfRange(element: e, elementsPerCard: card.elementCount)
            }
        }
        switch (stage, outcome) {
        case (.arrival, .fit), (.arrival, .manualQA):
            guard card.state == .returned else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be inspected on arrival")
            }
            return .inspected
        case (.arrival, .retire):
            guard card.state == .returned || card.state == .released else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be retired")
            }
            return .retired
        case (.beforeReissue, .fit):
            guard card.state == .zeroed else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be inspected for reissue")
            }
            return .available
        case (.beforeReissue, .retire):
            guard card.state == .zeroed || card.state == .released else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be retired")
            }
            return .retired
        case (.beforeReissue, .manualQA):
            throw LabStoreError.invalidInspection("manual QA before reissue")
        }
    }
}
