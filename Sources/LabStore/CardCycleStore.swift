import Foundation

/// The card cycle's role in the lab's store contract (readout, doses, calibration, lab records,
/// cycle): the moves of a card already in the lab through its states (see ``CardState``) — arrival
/// and reissue inspections, read, released, anneal with its background check, zeroing — and the
/// reads of where a card is in its cycle. ``LabRecordStore`` refines it; the inspection and zeroing
/// benches (`tld inspect`, `tld zero`) need nothing else, the anneal bench adds the evaluation that
/// reads its background check.
///
/// Issuing and intake stay in ``LabRecordStore``: they cross the lab's door and write the customer's
/// records with the move (a shipment and its issues, a return with its scan log, a handed-over
/// person's wearer and enrolment), as ``DispatchStore`` builds dispatch on those records; this role
/// only moves cards the lab holds and records what the cycle did to them.
///
/// Every write is one transaction. The cycle's interlocks (``CardState/allowedMoves``,
/// ``CardInspection/move(of:)``) are checked in code, with a clear ``LabStoreError``, and again by
/// the database's triggers, which no writer can bypass.
///
/// ```swift
/// let checks = try store.recordAnneal(run, residuals: ["10000016": 0.02], backgroundLevelMilliSievert: 0.1)
/// try store.zeroCards(checks.filter(\.passed).map(\.cardID))
/// ```
public protocol CardCycleStore: Sendable {
    // MARK: Where a card is

    func card(id: String) throws(LabStoreError) -> Card?
    func cards(state: CardState) throws(LabStoreError) -> [Card]
    /// The card's elements with the time each was last zeroed (``zeroCards(_:)`` stamps them).
    func cardElements(cardID: String) throws(LabStoreError) -> [CardElement]

    // MARK: Inspection, readout, release

    /// Records an inspection and moves the card: on arrival `returned → inspected` (fit, manual QA)
    /// or `→ retired`; before reissue `zeroed → available` (fit) or `→ retired`.
    func saveInspection(_ inspection: CardInspection) throws(LabStoreError) -> CardInspection
    func inspections(cardID: String) throws(LabStoreError) -> [CardInspection]
    /// Moves every `inspected` card with a complete readout in the batch to `read` and links its issue
    /// to the batch. Returns the cards moved.
    @discardableResult
    func markCardsRead(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String]
    /// Moves every `read` card whose current dose in its batch is released to `released`.
    @discardableResult
    func markReleasedCards() throws(LabStoreError) -> [String]

    // MARK: Anneal and zeroing

    /// Records an anneal run with each card's read-back; cards at background level move
    /// `released → annealed`, the others stay `released` for another anneal.
    func recordAnneal(
        _ record: AnnealRecord, residuals: [String: Double], backgroundLevelMilliSievert: Double
    ) throws(LabStoreError) -> [AnnealCheck]
    func annealChecks(cardID: String) throws(LabStoreError) -> [AnnealCheck]
    /// Every anneal run, oldest first.
    func annealRecords() throws(LabStoreError) -> [AnnealRecord]
    /// Zeroes annealed cards: each moves `annealed → zeroed` and its elements get `zeroedAt`.
    /// - Throws: ``LabStoreError/doseNotReleased(cardID:)``; nothing is zeroed then.
    func zeroCards(_ cardIDs: [String]) throws(LabStoreError)
}
