import Dosimetry
import Foundation
import LabStore
import Logging

/// The ECC calibration run: a batch whose cards were all irradiated to the same dose in the same field
/// is turned into element correction coefficients, appended to each element's history in the store
/// (kind `elementCorrection`, subject "card/element", valid from the batch's date). Later evaluations
/// of those cards apply the ECC in force at their readout (`BatchEvaluator.cardInput`).
public struct ElementCorrectionRun: Sendable {
    let store: any DoseStore
    let evaluator: BatchEvaluator
    let logger: Logger

    public init(store: any DoseStore, algorithm: DoseAlgorithm = DoseAlgorithm(), logger: Logger) {
        self.store = store
        self.evaluator = BatchEvaluator(store: store, algorithm: algorithm, logger: logger)
        self.logger = logger
    }

    /// Derives and stores the ECCs of every card read in `batchID` except its control dosimeters.
    @discardableResult
    public func record(batchID: ReadoutBatch.ID, window: ClosedRange<Double> = 0.9...1.1) throws -> ElementCorrection.Run {
        guard let batch = try store.batch(id: batchID) else { throw WorkflowError.batchNotFound("\(batchID)") }
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        var readings: [String: [Int: Double]] = [:]
        for (id, rs) in Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID) where manifest[id]?.role != .control {
            let input = try evaluator.cardInput(id, rs, manifest[id] ?? BatchCard(batchID: batchID, cardID: id, role: .calibration, annealedAt: nil))
            let f = evaluator.algorithm.fading.factor(daysFromAnnealToReadout: input.signals.daysFromAnneal)
            var q: [Int: Double] = [:]
            for (n, e) in input.signals.elements {
                if case let .measured(s) = e { q[n] = s.netCounts / f }
            }
            readings[id] = q
        }
        let run = try ElementCorrection.derive(readings: readings, window: window)
        let source = "ECC run, batch \(batch.groupID): \(readings.count) cards irradiated alike; window \(window.lowerBound)–\(window.upperBound)"
        for (card, coefficients) in run.coefficients.sorted(by: { $0.key < $1.key }) {
            for (element, value) in coefficients.sorted(by: { $0.key < $1.key }) {
                _ = try store.saveCalibration(CalibrationRecord(
                    kind: .elementCorrection, subject: ElementCorrection.recordSubject(card: card, element: element), value: value,
                    unit: "1", validFrom: batch.createdAt,
                    source: source + (run.calibrationCandidates.contains(card) ? "; card fit as calibration dosimeter" : "; card outside the window")))
            }
        }
        logger.info("element correction run stored", metadata: ["batch": "\(batch.groupID)", "cards": "\(readings.count)", "outsideWindow": "\(run.outsideWindow.count)"])
        return run
    }

    /// The ECC history of one element, oldest first.
    public func history(card: String, element: Int) throws -> [CalibrationRecord] {
        try store.calibrations(kind: .elementCorrection, subject: ElementCorrection.recordSubject(card: card, element: element))
    }
}
