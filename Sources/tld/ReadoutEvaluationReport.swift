import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging

/// What `tld readout` tells the operator about the evaluation of a batch: which readings were
/// attributed to the lab's issues, which cards were unexpected and held for review, which doses wait
/// for review and why, and every card without a dose with its reason. Batches of earlier runs left
/// read but not evaluated are evaluated here too.
enum ReadoutEvaluationReport {
    static func show(_ labStore: any EvaluationStore, batch id: ReadoutBatch.ID, logger: Logger) throws {
        let pending = PendingEvaluations(store: labStore, logger: logger)
        for r in try pending.finish() where r.batch.id != id {
            note("Batch \(r.batch.groupID) was read but not evaluated: evaluated now (\(r.state.rawValue)).")
        }
        guard let batch = try labStore.batch(id: id) else { return }
        let manifest = try labStore.manifest(batch: id)
        let read = Set(try labStore.readings(batch: id).map(\.cardID))
        let attributed = manifest.filter { $0.issueID != nil && read.contains($0.cardID) }
        if !attributed.isEmpty {
            note("\(attributed.count) card(s) attributed to the issues they were worn on (wearer, period) from the lab's records.")
        }
        for card in attributed where try labStore.card(id: card.cardID)?.state == .returned {
            note("card \(card.cardID) was read before its arrival inspection: inspect it; tld release then moves it on with its dose.")
        }
        for card in manifest where card.unexpected {
            let known = try labStore.card(id: card.cardID)
            let why = known.map { "the lab's card is \($0.state.rawValue), not on an open issue that was returned or inspected" }
                ?? "the lab has no such card"
            note("UNEXPECTED card \(card.cardID): \(why). Read and stored; its dose is held for the physicist (tld review).")
        }
        let doses = try labStore.currentDoses(batch: id)
        let review = doses.filter { $0.state == .needsReview }
        if !review.isEmpty {
            var counts: [ReviewReason: Int] = [:]
            for d in review { if let doseID = d.id { for r in try labStore.reviewReasons(dose: doseID) { counts[r.reason, default: 0] += 1 } } }
            let why = ReviewReason.allCases.compactMap { r in counts[r].map { "\(r.description) \($0)" } }.joined(separator: ", ")
            note("\(review.count) dose(s) need review (tld review)" + (why.isEmpty ? "." : ": \(why)."))
        }
        let state = try labStore.batchEvaluation(id: id)
        for c in try labStore.notEvaluatedCards(batch: id) {
            note("card \(c.cardID) NOT EVALUATED: \(c.reason.description) (\(c.detail)). Fix the cause, then run tld evaluate --batch \(batch.groupID).")
        }
        if batch.state == .complete && state == .pending { note("Batch \(batch.groupID) is read but its evaluation is not finished: run tld evaluate.") }
    }
}
