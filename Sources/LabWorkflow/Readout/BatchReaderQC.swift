import Dosimetry
import Foundation
import LabStore

extension BatchEvaluator {
    /// The reader QC of this batch (its latest measurement) judged against the limits and against the
    /// QC of the same reader's earlier batches. Empty when the batch has no QC measurement.
    func readerQCFindings(_ batch: ReadoutBatch, check: ReaderQCCheck = ReaderQCCheck()) throws -> [ReaderQCCheck.Finding] {
        guard let id = batch.id, let current = try store.readerQC(batch: id).last else { return [] }
        var history: [ReaderQCRecord] = []
        for earlier in try store.batches() where earlier.readerSerial == batch.readerSerial && earlier.createdAt < batch.createdAt {
            if let eid = earlier.id { history += try store.readerQC(batch: eid) }
        }
        func reading(_ r: ReaderQCRecord) -> ReaderQCCheck.Reading {
            ReaderQCCheck.Reading(darkCountsPerSecond: Double(r.pmtDarkCountsPerSecond), referenceLightCounts: Double(r.referenceLightCounts))
        }
        return check.check(reading(current), history: history.suffix(20).map(reading))
    }
}
