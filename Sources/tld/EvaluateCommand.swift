import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finish the evaluation of read batches: every card gets a dose or the reason why not.",
        discussion: """
            A batch is read when its last glow curve is stored, and evaluated only when every card in it \
            has a dose or a recorded reason why not (no calibration, no stored element, evaluation \
            failed). tld readout evaluates a batch at once; if it was interrupted after the batch was \
            read, or a card could not be evaluated (e.g. the batch had no calibration dosimeters and the \
            reader no valid stored calibration), run tld evaluate: it evaluates every batch not yet \
            evaluated, and with --batch also tries again the cards of that batch that have no dose (for \
            example once a calibration exists). Each dose goes through the review policy (tld levels).

            Exit status 0 when every card has a dose; 65 when cards are left without one (each listed \
            with its reason).

            Runs on a SQLite file or on PostgreSQL (--database postgres://…), with the monitoring-level \
            check (tld cases) on both.

            Examples:
              tld evaluate
              tld evaluate --batch B20261123-1530
            """)

    @Option(help: ArgumentHelp("Group ID of the batch to evaluate (default: every batch not yet evaluated).", valueName: "id"))
    var batch: String?

    @Option(help: "Result format of the batch's doses: table, csv or json.")
    var format: DoseTableFormat = .table

    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        let labStore = try store.openEvaluation(logger: logger)
        let pending = PendingEvaluations(store: labStore, logger: logger, now: labDay.clock)
        var batchID: ReadoutBatch.ID?
        if let batch {
            guard let found = try labStore.batches().last(where: { $0.groupID == batch }), let id = found.id else {
                throw runFailure("no readout batch with group ID \(batch)", exit: SysExit.dataError)
            }
            batchID = id
        }
        let reports: [PendingEvaluations.Report]
        do { reports = try pending.finish(batch: batchID) } catch let refused as EvaluationRefused {
            throw runFailure(refused.description, exit: SysExit.dataError)
        }
        if reports.isEmpty { print("Every read batch is evaluated.") }
        for r in reports {
            guard let id = r.batch.id else { continue }
            let doses = try labStore.currentDoses(batch: id)
            print("Batch \(r.batch.groupID): \(doses.count) card(s) with a dose, \(r.notEvaluated.count) without; "
                  + "\(doses.filter { $0.state == .needsReview }.count) need review.")
            if batchID != nil { print(DoseTable.render(try ResultRows.rows(store: labStore, batch: id), as: format), terminator: "") }
        }
        let outstanding = PendingEvaluations.describe(try pending.outstanding())
        for line in outstanding { print(line) }
        if !outstanding.isEmpty { throw ExitCode(SysExit.dataError.rawValue) }
    }
}
