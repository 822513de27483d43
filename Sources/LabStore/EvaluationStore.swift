import Foundation

/// The store side of evaluation as a resumable step, of the review policy's levels and of the
/// attribution of readings to the cards the lab issued.
///
/// A batch is *read* when its last curve is stored and *evaluated* when every card has a dose or a
/// recorded ``NotEvaluatedReason``; the state is stored (``BatchEvaluationState``), so a command that
/// finds a pending batch finishes it.
public protocol EvaluationStore: LabRecordStore {
    // MARK: Batch evaluation state

    func batchEvaluation(id: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState
    /// Marks a batch as not one of wearers' doses (an anneal background check).
    func markBatchNotForDoses(id: ReadoutBatch.ID) throws(LabStoreError)
    /// Marks the batch `evaluated` when every card with a reading in it has a current dose or a reason
    /// why not, and returns the state it is in afterwards.
    @discardableResult
    func concludeEvaluation(batch: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState
    /// Complete batches in this evaluation state, oldest first.
    func completeBatches(evaluation: BatchEvaluationState) throws(LabStoreError) -> [ReadoutBatch]

    // MARK: Doses and reasons

    /// Stores the next version of a card's dose together with the reasons it goes to review, in one
    /// transaction: with a reason the dose starts in `needsReview`, so no kill can leave a dose that
    /// should be reviewed in `evaluated`. Removes the card's "not evaluated" row.
    func saveEvaluatedDose(
        _ evaluation: DoseEvaluation, reviewReasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult
    /// Sends an `evaluated` current dose to review with its reasons, in one transaction.
    func routeToReview(
        dose: DoseResult.ID, reasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult
    /// Records (or replaces) why a card of a batch has no dose.
    func recordNotEvaluated(_ row: CardNotEvaluated) throws(LabStoreError)
    /// The cards of a batch without a dose, with the reason.
    func notEvaluatedCards(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardNotEvaluated]
    /// The reasons a dose version was sent to review.
    func reviewReasons(dose: DoseResult.ID) throws(LabStoreError) -> [DoseReviewReason]

    // MARK: Levels

    /// Adds a customer's levels from `validFrom` on (a day already set is refused: history is kept).
    func saveLevels(_ levels: CustomerLevels) throws(LabStoreError) -> CustomerLevels
    /// The levels in force for the customer on `day`: the latest `validFrom` not after it, else the defaults.
    func levels(customerID: String, on day: CalendarDay) throws(LabStoreError) -> CustomerLevels
    func levelsHistory(customerID: String) throws(LabStoreError) -> [CustomerLevels]

    // MARK: Documents

    /// The arrival inspections of a customer's issues, by issue (the last one of each), for a document
    /// built in one pass.
    func arrivalInspections(customerID: String) throws(LabStoreError) -> [CardIssue.ID: CardInspection]

    // MARK: Attribution

    /// The cards the lab expects at the reader: on an open issue, `returned` or `inspected`.
    func expectedCards() throws(LabStoreError) -> [ExpectedCard]
    /// Links the issues of the batch manifest's attributed cards to the batch and moves the inspected
    /// ones with a complete readout to `read` (``CardCycleStore/markCardsRead(batch:)``). Returns the
    /// cards moved.
    @discardableResult
    func attributeReadings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String]
}
