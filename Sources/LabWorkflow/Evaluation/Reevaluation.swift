import Dosimetry
import Foundation
import LabStore
import Logging

/// Re-evaluation of stored raw readings with a new calibration: every card of a batch gets a new dose
/// version computed from its stored glow curves with the reader calibration in force at a date in the
/// store's calibration records (not the batch's own calibration dosimeters), without the cards. The
/// old versions stay on record, superseded, each with the calibration it used (`calibrationID`).
public struct Reevaluation: Sendable {
    let store: any DoseStore
    let evaluator: BatchEvaluator
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any DoseStore, algorithm: DoseAlgorithm = DoseAlgorithm(), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.evaluator = BatchEvaluator(store: store, algorithm: algorithm, logger: logger, now: now)
        self.logger = logger
        self.now = now
    }

    /// The calibration ID stored with a dose that used these records: "records:" + their IDs.
    static func calibrationID(_ records: [CalibrationRecord]) -> String {
        "records:" + records.map { $0.id.map { "\($0.rawValue)" } ?? "?" }.joined(separator: ",")
    }

    /// Adds a dose version to every card of the batch, computed with the reader calibration records
    /// of the batch's reader in force at `date`. Returns the new current doses. A record older than
    /// `validity` allows at `date` is refused.
    @discardableResult
    public func reevaluate(batchID: ReadoutBatch.ID, calibrationAt date: Date, validity: CalibrationValidity = .default) throws -> [DoseResult] {
        guard let batch = try store.batch(id: batchID) else { throw WorkflowError.batchNotFound("\(batchID)") }
        let algorithm = evaluator.algorithm
        let (counts, records) = try evaluator.storedReaderCalibration(batch, at: date, validity: validity, staleContext: "")
        guard counts[.deep] != nil else {
            throw WorkflowError.noCalibration(batchGroupID: batch.groupID, reason: "no reader calibration record of \(batch.readerSerial) in force at \(date)")
        }
        let calibration = ReaderCalibration(countsPerMilliSievert: counts, used: [], rejected: [], source: Self.calibrationID(records))
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        let readings = Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID)
        var inputs: [BatchEvaluator.CardInput] = []
        for id in readings.keys.sorted() {
            inputs.append(try evaluator.cardInput(
                id, readings[id] ?? [], manifest[id] ?? BatchCard(batchID: batchID, cardID: id, role: .worker, annealedAt: nil)))
        }
        let background = algorithm.background(controls: inputs.filter { $0.card.role == .control }.map(\.signals), calibration: calibration)
        // The review policy applies here as on every evaluation; each card in its own transaction.
        let evaluationStore = try evaluator.evaluationStore()
        let policy = ReviewPolicy(store: evaluationStore)
        let qcFailures = try evaluator.readerQCFindings(batch).filter(\.isFailure)
        for input in inputs {
            let stored = (readings[input.card.cardID] ?? []).contains { if case .stored = $0.outcome { true } else { false } }
            guard stored else { continue }
            try evaluator.evaluateCard(
                input, calibration: calibration, calibrationID: Self.calibrationID(records), background: background,
                qcFailures: qcFailures, policy: policy, store: evaluationStore,
                leadingRemark: "re-evaluated with calibration \(Self.calibrationID(records))")
        }
        try evaluationStore.concludeEvaluation(batch: batchID)
        logger.info("batch re-evaluated", metadata: ["batch": "\(batch.groupID)", "calibration": "\(Self.calibrationID(records))"])
        return try store.currentDoses(batch: batchID)
    }
}
