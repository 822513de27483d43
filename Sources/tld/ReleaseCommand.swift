import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Release the doses of a batch that need no review, and mark their cards released.",
        discussion: """
            Releases every current dose of the batch that is evaluated and was not sent to review (no \
            quality flag, not above the customer's review or report level, card expected and undamaged); \
            doses the physicist has decided on with tld review are released already. The cards whose \
            dose is released move on to `released` (ready for anneal). Doses under review stay as they \
            are and are counted. A batch read but not evaluated yet is evaluated first.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…). On both, every dose released \
            is checked against the monitoring levels: a level crossed opens a case, a notifiable one raises \
            its authority notification the same day (tld cases, tld notifications).

            Examples:
              tld release --batch B20261123-1530
              tld release                       every evaluated batch
            """)

    @Option(help: ArgumentHelp("Group ID of the batch (default: every evaluated batch).", valueName: "id"))
    var batch: String?

    @Option(help: "Who releases (for the audit trail).")
    var who: String = "system:release"

    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        guard !who.trimmingCharacters(in: .whitespaces).isEmpty else { throw runFailure("--who must name someone", exit: SysExit.dataError) }
        let labStore = try store.openEvaluation(logger: logger)
        let pending = PendingEvaluations(store: labStore, logger: logger, now: labDay.clock)
        try pending.finish()
        var batches: [ReadoutBatch]
        if let batch {
            guard let found = try labStore.batches().last(where: { $0.groupID == batch }) else {
                throw runFailure("no readout batch with group ID \(batch)", exit: SysExit.dataError)
            }
            guard let id = found.id, try labStore.batchEvaluation(id: id) != .notForDoses else {
                throw runFailure("batch \(batch) is an anneal background check, not a batch of wearers' doses", exit: SysExit.dataError)
            }
            guard found.state == .complete else {
                throw runFailure("batch \(batch) is still being read: finish the readout first (tld readout resumes it)", exit: SysExit.dataError)
            }
            batches = [found]
        } else {
            batches = try labStore.completeBatches(evaluation: .evaluated) + labStore.completeBatches(evaluation: .pending)
        }
        let review = DoseReview(store: labStore, logger: logger, now: labDay.clock)
        try EvaluationLevels.catchUp(labStore, logger: logger, now: labDay.clock)
        var released = 0
        for b in batches {
            guard let id = b.id else { continue }
            // Cards read before their arrival inspection move to `read` once inspected.
            _ = try labStore.attributeReadings(batch: id)
            let cards = try review.releaseUnflagged(batch: id, who: who)
            released += cards.count
            let waiting = try labStore.currentDoses(batch: id).filter { $0.state == .needsReview }.count
            let missing = try labStore.notEvaluatedCards(batch: id).count
            if batch != nil || !cards.isEmpty || waiting > 0 {
                print("Batch \(b.groupID): \(cards.count) dose(s) released; \(waiting) under review (tld review)"
                      + (missing > 0 ? "; \(missing) card(s) without a dose (tld evaluate)" : "") + ".")
            }
        }
        let cards = try labStore.markReleasedCards()
        print("\(released) dose(s) released; \(cards.count) card(s) marked released.")
        try EvaluationLevels.news(labStore)
    }
}
