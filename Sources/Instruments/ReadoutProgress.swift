import ReaderProtocol

/// One step of a magazine readout, for a progress display ("card 2 of 5, element 3: reading").
public struct ReadoutProgress: Sendable, Hashable {
    /// What is happening.
    public enum Step: Sendable, Hashable {
        /// Looking at the reader's state to decide where to resume.
        case resuming
        /// LOAD_NEXT sent; waiting for the card.
        case loadingCard
        /// A card is in the reading position with these element states.
        case cardLoaded(elementStates: [ElementState])
        /// Heating the element and collecting its curve.
        case readingElement(Int)
        /// Fetching a curve that was left buffered by an earlier session.
        case fetchingBufferedElement(Int)
        /// The reading is stored and released.
        case elementStored(Int)
        /// The element's signal is gone; recorded as lost.
        case elementLost(Int, reason: String)
        /// Nothing to do for the element (`released` earlier, or `absent`).
        case elementSkipped(Int, ElementState)
        /// In-reader anneal of the card.
        case annealing
        /// EJECT sent; waiting for the reader to be idle.
        case ejecting
        /// The card is done and out.
        case cardDone
        /// The link was lost or the reader rebooted; starting again with HELLO and STATUS.
        case recovering(reason: String)
        /// No card left: the batch is finished.
        case magazineEmpty
    }

    /// 1-based number of the card in this batch (0 before the first card).
    public var cardNumber: Int
    /// Cards expected in this batch: the cards in the magazine at the start, plus the loaded one.
    /// Never below ``cardNumber``.
    public var cardCount: Int
    /// The card in the reading position, when there is one.
    public var cardID: String?
    public var step: Step

    public init(cardNumber: Int, cardCount: Int, cardID: String?, step: Step) {
        self.cardNumber = cardNumber; self.cardCount = cardCount; self.cardID = cardID; self.step = step
    }
}
