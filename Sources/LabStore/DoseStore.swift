import Foundation

/// The doses' role in the lab's store contract (readout, doses, calibration, lab records, cycle):
/// what the evaluation may ask of any backend (SQLite, PostgreSQL). Every method is synchronous; a
/// write returns only after its transaction committed durably, and either all of it happened or none
/// of it did. (Until issue 15 this protocol was named `LabStore`, which clashed with its module.)
///
/// ```swift
/// let store: any DoseStore = try SQLiteLabStore.open(path: "tld.sqlite", logger: logger)
/// let batch = try store.findOpenBatch(source: device)
///     ?? store.openBatch(groupID: "MAG-07", reader: identity, elementsPerCard: 4,
///                        timeTemperatureProfile: profile, source: device)
/// _ = try store.saveElementReading(ElementReading(batchID: batch.id!, cardID: card,
///         element: 1, readAt: now, outcome: .stored(curve)))
/// // only now send RELEASE_ELEMENT to the reader
/// ```
///
/// The readout's part of the contract (batches, manifest, reader QC, element readings, the readout's
/// curve path) is the role protocol ``ReadoutStore`` and the calibration values are
/// ``CalibrationStore``; this protocol refines both, since a dose is evaluated from a batch's
/// readings with the calibrations in force. Code that only reads magazines depends on
/// ``ReadoutStore`` alone.
///
/// The store keeps plain values: it knows nothing of glow-curve analysis or dosimetry types.
///
/// The methods block the calling thread for one transaction: an fsync at commit, and up to
/// the backend's busy timeout (SQLite: `LabDatabase.busyTimeoutSeconds`) if another program holds the lock. Callers on
/// Swift's cooperative thread pool should keep that in mind (a dedicated thread or executor
/// for the readout loop avoids starving the pool).
public protocol DoseStore: ReadoutStore, CalibrationStore {
    // MARK: Doses

    /// Adds the next version of the card's dose in the batch and marks the previous current
    /// version superseded, in one transaction. A released previous version stays released
    /// (only its `supersededAt` is stamped).
    ///
    /// - Throws: ``LabStoreError/noStoredReadings(batch:cardID:)`` when the card has no stored
    ///   element in the batch.
    func saveDose(_ evaluation: DoseEvaluation) throws(LabStoreError) -> DoseResult

    /// Moves a current dose to a new review state (see ``DoseState/canChange(to:)``).
    func setDoseState(id: DoseResult.ID, to state: DoseState) throws(LabStoreError) -> DoseResult

    /// The current dose version of each card of the batch, by card ID.
    func currentDoses(batch: ReadoutBatch.ID) throws(LabStoreError) -> [DoseResult]

    /// Every dose version of a card over all batches, oldest batch first, then by version.
    func doseHistory(card: String) throws(LabStoreError) -> [DoseResult]

    // MARK: Summary

    /// How many batches, readings, doses and calibrations the store holds.
    func counts() throws(LabStoreError) -> LabStoreCounts
}
