import Foundation

/// The readout's role in the lab's store contract: readout batches, their manifest, reader QC, the
/// element readings and the readout's curve path — everything ``ReadoutJob`` needs to read a magazine
/// into a batch. ``DoseStore`` refines it (doses, calibration, counts and the other roles come on top);
/// a backend that implements only this role (``PostgresLabStore`` so far) runs the readout but not
/// the evaluation.
///
/// Every method is synchronous and blocks the calling thread for one transaction; a write returns
/// only after its transaction committed durably (SQLite: WAL with synchronous=FULL; PostgreSQL:
/// `synchronous_commit = on`), and either all of it happened or none of it did.
public protocol ReadoutStore: Sendable {
    // MARK: Readout batches

    /// Opens a new batch for `source`, stamped with the store's clock.
    ///
    /// - Throws: ``LabStoreError/batchAlreadyOpen(source:existing:)`` when `source` has an open
    ///   batch; ``LabStoreError/invalidGroupID(_:)``, ``LabStoreError/invalidElementsPerCard(_:)``.
    func openBatch(
        groupID: String, reader: ReaderIdentity, elementsPerCard: Int,
        timeTemperatureProfile: TimeTemperatureProfile, source: String
    ) throws(LabStoreError) -> ReadoutBatch

    /// The open batch of `source`, if any: the batch to resume after a crash.
    func findOpenBatch(source: String) throws(LabStoreError) -> ReadoutBatch?

    /// The batch with this id, if any.
    func batch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch?

    /// All batches, oldest first.
    func batches() throws(LabStoreError) -> [ReadoutBatch]

    /// Marks the batch complete (stamped with the store's clock) and returns it.
    /// Finishing a complete batch changes nothing and returns it.
    func finishBatch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch

    // MARK: Batch manifest

    /// Records what the lab knows of the cards of a batch (roles, anneal dates, delivered doses).
    /// Rows already recorded for the batch are kept as they are (a resumed batch adds none twice).
    func saveManifest(_ cards: [BatchCard]) throws(LabStoreError)

    /// The manifest of a batch, ordered by card ID.
    func manifest(batch: ReadoutBatch.ID) throws(LabStoreError) -> [BatchCard]

    /// One card's manifest row in a batch, if it has one.
    func manifestCard(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> BatchCard?

    // MARK: Reader QC

    /// Stores a reader quality check of an open batch.
    func saveReaderQC(_ qc: ReaderQCRecord) throws(LabStoreError) -> ReaderQCRecord

    /// The reader QC records of a batch, in the order they were taken.
    func readerQC(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ReaderQCRecord]

    // MARK: Element readings

    /// Stores one element's outcome in an open batch and returns it with its id, after the
    /// transaction committed. A stored curve's CRC-32 must match the one the reader sent.
    ///
    /// - Throws: ``LabStoreError/duplicateReading(batch:cardID:element:)`` when the element already
    ///   has a row in the batch (nothing is changed), and the validation errors of ``LabStoreError``.
    func saveElementReading(_ reading: ElementReading) throws(LabStoreError) -> ElementReading

    /// The readout's path for a curve the reader holds until it is stored: looks for an earlier row of
    /// the element and inserts the curve, in **one** write transaction (durable when this returns), with
    /// prepared statements kept on the connection and without reading the row back.
    ///
    /// The same checks as ``saveElementReading(_:)`` (open batch, element range, card ID, whole curve
    /// whose CRC-32 matches the reader's), but an existing row is an outcome, not an error: the same
    /// curve offered again after a restart is ``CurveSaveOutcome/alreadyStored``.
    func saveReadoutCurve(
        batch: ReadoutBatch.ID, card: String, element: Int, readAt: Date, curve: ElementCurve
    ) throws(LabStoreError) -> CurveSaveOutcome

    /// Records that an element's signal is gone (e.g. heating interrupted), with the reason,
    /// read at the store's clock. A lost element never has counts and never gets a dose.
    func markElementLost(
        batch: ReadoutBatch.ID, card: String, element: Int, reason: String
    ) throws(LabStoreError) -> ElementReading

    /// Records that the reader found no pellet in an element position.
    func markElementAbsent(
        batch: ReadoutBatch.ID, card: String, element: Int
    ) throws(LabStoreError) -> ElementReading

    /// The readings of a batch, by card then element.
    func readings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ElementReading]

    /// The reading of one element of one card in a batch, if it has a row.
    func reading(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> ElementReading?

    /// Every reading of a card over all batches, oldest batch first, then by element.
    func readings(card: String) throws(LabStoreError) -> [ElementReading]

    /// The status of each element of a card that has a row in the batch, by element number.
    func elementStates(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> [Int: ElementStatus]

    /// The readout state of every card seen in the batch, by card ID.
    func cardStates(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardReadoutState]
}
