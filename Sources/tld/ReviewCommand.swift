import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review flagged doses: see their glow curves, then accept, correct or reject each with a reason.",
        discussion: """
            Without an action, lists every current dose that needs review (QC flags, out-of-pattern \
            elements, a lost element, above the review level, or a card damaged on arrival), with the glow \
            curve of each element drawn in the terminal, and the reason each dose is there (quality flags, \
            above review level, above report level, damaged on arrival, unexpected card, neutron card not \
            evaluated). Batches read but not yet evaluated are evaluated first; cards that cannot be \
            evaluated are listed with the reason (see tld evaluate).

            An action changes one dose, identified by the number in the list, and records who did it and \
            why in the dose's audit trail: --accept releases it as it is; --correct releases a new version \
            with the values given (a quantity not given keeps its evaluated value, and the command says so; \
            values must be finite and within 0–10000 mSv, the measuring range of docs/dose-algorithm.md \
            section 3, or nothing is stored); --reject releases a new version without a dose, so the result list says \
            there is no valid result. A released dose never changes again.

            Examples:
              tld review
              tld review --accept 12 --who "J. Physicist" --why "curve shape normal, high dose plausible"
              tld review --correct 14 --hp10 0.31 --who "J. Physicist" --why "element 3 cracked: from elements 1-2"
            """)

    @Option(help: ArgumentHelp("Release this dose as it is.", valueName: "dose"))
    var accept: Int64?
    @Option(help: ArgumentHelp("Replace this dose by a corrected, released version (with --hp10, --hp007).", valueName: "dose"))
    var correct: Int64?
    @Option(help: ArgumentHelp("Reject this dose: no valid result.", valueName: "dose"))
    var reject: Int64?
    @Option(help: ArgumentHelp("Corrected Hp(10), mSv.", valueName: "mSv"))
    var hp10: Double?
    @Option(help: ArgumentHelp("Corrected Hp(0.07), mSv.", valueName: "mSv"))
    var hp007: Double?
    @Option(help: "Who decides (for the audit trail).")
    var who: String?
    @Option(help: "Why (for the audit trail).")
    var why: String?
    @Flag(help: "List without glow-curve pictures.")
    var noCurves = false

    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        let actions = [accept, correct, reject].compactMap { $0 }
        if actions.count > 1 { throw ValidationError("Give one of --accept, --correct, --reject.") }
        if actions.count == 1 && (who ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--who is required with an action.")
        }
        if actions.count == 1 && (why ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--why is required with an action.")
        }
        if correct != nil && hp10 == nil && hp007 == nil { throw ValidationError("--correct needs --hp10 and/or --hp007.") }
        if correct == nil && (hp10 != nil || hp007 != nil) { throw ValidationError("--hp10 and --hp007 go with --correct.") }
    }

    func run() throws {
        // Values are checked before the database is touched: finite, ≥ 0, within the measuring range.
        for (value, name) in [(hp10, "--hp10"), (hp007, "--hp007")] {
            guard let value else { continue }
            if !value.isFinite || !DoseReview.measuringRangeMilliSievert.contains(value) {
                throw runFailure("\(name) \(value) mSv is outside the measuring range 0–10000 mSv (docs/dose-algorithm.md section 3); nothing was stored.", exit: SysExit.dataError)
            }
        }
        let logger = makeLogger(verbose: logging.verbose)
        let labStore = try store.openExisting(logger: logger)
        let review = DoseReview(store: labStore, logger: logger, now: labDay.clock)
        try LevelCheck(store: labStore, logger: logger, now: labDay.clock).catchUp()
        let who = self.who ?? ""
        let why = self.why ?? ""
        if let id = accept {
            let d = try review.accept(doseID: DoseResult.ID(rawValue: id), who: who, why: why)
            print("dose \(id) of card \(d.cardID) accepted and released (version \(d.version)).")
        } else if let id = correct {
            let d = try review.correct(doseID: DoseResult.ID(rawValue: id), hp10MilliSievert: hp10, hp007MilliSievert: hp007, who: who, why: why)
            print("card \(d.cardID): corrected dose released as version \(d.version) (dose \(d.id?.rawValue ?? 0)).")
            if hp10 == nil { print("Hp(10) kept as evaluated: \(DoseTable.dose(d.hp10MilliSievert, limit: nil)) mSv (give --hp10 to change it).") }
            if hp007 == nil { print("Hp(0.07) kept as evaluated: \(DoseTable.dose(d.hp007MilliSievert, limit: nil)) mSv (give --hp007 to change it).") }
        } else if let id = reject {
            let d = try review.reject(doseID: DoseResult.ID(rawValue: id), who: who, why: why)
            print("card \(d.cardID): dose rejected; version \(d.version) released without a dose.")
        } else {
            try list(labStore)
            return
        }
        try printCaseNews(labStore)
    }

    func list(_ labStore: SQLiteLabStore) throws {
        // A batch read but not evaluated is evaluated now, so no dose is silently missing from the list.
        let pending = PendingEvaluations(store: labStore, logger: makeLogger(verbose: logging.verbose), now: labDay.clock)
        for r in try pending.finish() { print("batch \(r.batch.groupID) was read but not evaluated: evaluated now (\(r.state.rawValue)).") }
        let outstanding = PendingEvaluations.describe(try pending.outstanding())
        if !outstanding.isEmpty {
            print("\(outstanding.count) card(s) without a dose (run tld evaluate once the cause is fixed):")
            for line in outstanding { print("  " + line) }
            print("")
        }
        let flagged = try labStore.dosesNeedingReview()
        if flagged.isEmpty { print("No dose needs review."); return }
        print("\(flagged.count) dose(s) need review:\n")
        for d in flagged {
            let group = try labStore.batch(id: d.batchID)?.groupID ?? "\(d.batchID)"
            print("dose \(d.id?.rawValue ?? 0)  card \(d.cardID)  batch \(group)  version \(d.version)")
            print("  Hp(10) \(DoseTable.dose(d.hp10MilliSievert, limit: d.detectionLimitMilliSievert)) mSv  "
                  + "Hp(0.07) \(DoseTable.dose(d.hp007MilliSievert, limit: d.detectionLimitMilliSievert)) mSv")
            if let doseID = d.id {
                for r in try labStore.reviewReasons(dose: doseID) { print("  why: \(r.reason.description): \(r.detail)") }
            }
            if !d.flags.isEmpty { print("  flags: \(d.flags.joined(separator: ", "))") }
            if !d.remarks.isEmpty { print("  remarks: \(d.remarks)") }
            for i in try labStore.inspections(cardID: d.cardID) where i.outcome != .fit {
                print("  inspection (\(i.stage.rawValue)): \(i.outcome.rawValue) \(i.damages.map(\.description).joined(separator: ", ")) \(i.remark)")
            }
            if !noCurves {
                for r in try labStore.readings(batch: d.batchID) where r.cardID == d.cardID {
                    switch r.outcome {
                    case let .stored(curve):
                        print(GlowCurvePlot.text(counts: curve.counts.map(Double.init), label: "  element \(r.element):"), terminator: "")
                    case let .lost(reason): print("  element \(r.element): LOST (\(reason))")
                    case .absent: print("  element \(r.element): no pellet")
                    }
                }
            }
            print("")
        }
    }
}
