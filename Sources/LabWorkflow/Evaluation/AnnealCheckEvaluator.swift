import Dosimetry
import Foundation
import LabStore

/// Reads the background check after an anneal: the Hp(10) each card of a check batch shows, with the
/// same signal evaluation, dose algorithm and reader calibration as a wear readout, but stored as an
/// anneal check, never as a dose of the wearer. The raw readings stay in the check batch.
public struct AnnealCheckEvaluator: Sendable {
    let evaluator: BatchEvaluator

    public init(evaluator: BatchEvaluator) {
        self.evaluator = evaluator
    }

    /// Hp(10) read back per card of the check batch (0 when below what the algorithm can assess).
    public func residuals(batchID: ReadoutBatch.ID) throws -> [String: Double] {
        let store = evaluator.store
        guard let batch = try store.batch(id: batchID) else { throw WorkflowError.batchNotFound("\(batchID)") }
        let manifest = Dictionary(uniqueKeysWithValues: try store.manifest(batch: batchID).map { ($0.cardID, $0) })
        let readings = Dictionary(grouping: try store.readings(batch: batchID), by: \.cardID)
        let inputs = try readings.keys.sorted().map { id in
            try evaluator.cardInput(id, readings[id] ?? [], manifest[id] ?? BatchCard(batchID: batchID, cardID: id, role: .worker, annealedAt: nil))
        }
        let calibration = try evaluator.batchCalibration(batch, inputs)
        var out: [String: Double] = [:]
        for input in inputs {
            let a = evaluator.algorithm.assess(input.signals, calibration: calibration.value, backgroundPerDay: nil)
            // A card with no assessable Hp(10) has not shown it is at background: fail it (infinite residual is not storable).
            out[input.card.cardID] = a.hp10.map { max(0, $0.value) } ?? 1e6
        }
        return out
    }
}
