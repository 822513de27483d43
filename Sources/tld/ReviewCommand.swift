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
            evaluated), and the dose's flags by code (docs/evaluation.md; a flag this version does not know \
            is marked as such, and kept). Batches read but not yet evaluated are evaluated first; cards \
            that cannot be evaluated are listed with the reason (see tld evaluate).

            An action changes one dose, identified by the number in the list, and records who did it and \
            why in the dose's audit trail: --accept releases it as it is; --correct releases a new version \
            with the values given (a quantity not given keeps its evaluated value, and the command says so; \
            values must be finite and within 0–10000 mSv, the measuring range of docs/dose-algorithm.md \
            section 3, or nothing is stored); --reject releases a new version without a dose, so the result list says \
            there is no valid result. A released dose never changes again.

            Each dose shows the reason it is there (the quality flag, or the level crossed with its \
            value and whose level it is), the wearer, the first 4 digits of the national ID, the customer, \
            the wear period, the person's earlier periods from the person dose record (every customer) and \
            the year's Hp(10) so far, and each element's curve against the reader's measured temperature (°C).

            --page DIR writes the review page of each batch with doses under review (or of --batch only) \
            to DIR/review-BATCH.html: one self-contained HTML file with the same context and, per card, \
            the elements' glow curves with their routine automatic fits side by side (SVG, °C axis, \
            legend, residuals).

            Runs on a SQLite file or on PostgreSQL (--database postgres://…): the list, --page and the \
            decisions alike; every decision that releases a dose checks the monitoring levels (tld cases).

            Examples:
              tld review
              tld review --page review --batch R-2027-02-03
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
    @Option(help: ArgumentHelp("Write each batch's review page (HTML, curves and fits) into this folder.", valueName: "dir"))
    var page: String?
    @Option(help: ArgumentHelp("With --page: only this batch (group ID or number).", valueName: "batch"))
    var batch: String?

    @OptionGroup var labDay: LabDayOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
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
        if page != nil && actions.count == 1 { throw ValidationError("--page lists; give it without --accept, --correct or --reject.") }
        if batch != nil && page == nil { throw ValidationError("--batch goes with --page.") }
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
        let labStore = try store.openEvaluation(logger: logger)
        let review = DoseReview(store: labStore, logger: logger, now: labDay.clock)
        try EvaluationLevels.catchUp(labStore, logger: logger, now: labDay.clock)
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
        } else if let page {
            try writePages(labStore, folder: page)
            return
        } else {
            try list(labStore)
            return
        }
        try EvaluationLevels.news(labStore)
    }

    func list(_ labStore: any CaseStore & NationalIDKeyStore) throws {
        // A batch read but not evaluated is evaluated now, so no dose is silently missing from the list.
        let pending = PendingEvaluations(store: labStore, logger: makeLogger(verbose: logging.verbose), now: labDay.clock)
        for r in try pending.finish() { print("batch \(r.batch.groupID) was read but not evaluated: evaluated now (\(r.state.rawValue)).") }
        let outstanding = PendingEvaluations.describe(try pending.outstanding())
        if !outstanding.isEmpty {
            print("\(outstanding.count) card(s) without a dose (run tld evaluate once the cause is fixed):")
            for line in outstanding { print("  " + line) }
            print("")
        }
        let protector = try key.protector(store: labStore, database: store.path)
        let flagged = try ReviewContextBuilder(store: labStore, protector: protector).all()
        if flagged.isEmpty { print("No dose needs review."); return }
        print("\(flagged.count) dose(s) need review:\n")
        for c in flagged {
            let d = c.dose
            print("dose \(d.id?.rawValue ?? 0)  card \(d.cardID)  batch \(c.batchGroupID)  version \(d.version)")
            print("  Hp(10) \(DoseTable.dose(d.hp10MilliSievert, limit: d.detectionLimitMilliSievert)) mSv  "
                  + "Hp(0.07) \(DoseTable.dose(d.hp007MilliSievert, limit: d.detectionLimitMilliSievert)) mSv")
            for r in ReviewPageBuilder.reasons(c) { print("  why: \(r)") }
            if let flags = ReviewPageBuilder.flagLine(d) { print("  " + flags) }
            if !d.remarks.isEmpty { print("  remarks: \(d.remarks)") }
            for (label, value) in ReviewPageBuilder.context(c) { print("  \(label): \(value)") }
            let previous = ReviewPageBuilder.previousRows(c)
            if c.person != nil {
                print(previous.isEmpty ? "  previous periods: none on the person's dose record" : "  previous periods (newest first):")
                for row in previous {
                    print("    \(row[0])  \(row[1])  \(row[2])  card \(row[3])  Hp(10) \(row[4].isEmpty ? "-" : row[4])  Hp(0.07) \(row[5].isEmpty ? "-" : row[5])  \(row[6])")
                }
            }
            for i in try labStore.inspections(cardID: d.cardID) where i.outcome != .fit {
                print("  inspection (\(i.stage.rawValue)): \(i.outcome.rawValue) \(i.damages.map(\.description).joined(separator: ", ")) \(i.remark)")
            }
            if !noCurves {
                for e in c.elements {
                    switch e.outcome {
                    case let .curve(curve):
                        print(GlowCurvePlot.text(counts: curve.counts, temperaturesCelsius: curve.temperatureKelvin.map { $0 - 273.15 },
                                                 label: "  element \(e.element):"), terminator: "")
                    case let .lost(reason): print("  element \(e.element): LOST (\(reason))")
                    case .absent: print("  element \(e.element): no pellet")
                    case let .unreadable(why): print("  element \(e.element): stored curve not readable: \(why)")
                    }
                }
            }
            print("")
        }
    }

    /// `--page DIR`: one HTML page per batch with doses under review (or the `--batch` given).
    func writePages(_ labStore: any CaseStore & NationalIDKeyStore, folder: String) throws {
        let pending = PendingEvaluations(store: labStore, logger: makeLogger(verbose: logging.verbose))
        for r in try pending.finish() { print("batch \(r.batch.groupID) was read but not evaluated: evaluated now (\(r.state.rawValue)).") }
        var wanted: ReadoutBatch?
        if let batch {
            let batches = try labStore.batches()
            guard let found = batches.first(where: { $0.groupID == batch }) ?? Int64(batch).flatMap({ n in batches.first { $0.id?.rawValue == n } }) else {
                throw runFailure("there is no batch \(batch) (tld readout lists the batches it reads).", exit: SysExit.dataError)
            }
            wanted = found
        }
        let protector = try key.protector(store: labStore, database: store.path)
        var contexts = try ReviewContextBuilder(store: labStore, protector: protector).all()
        if let id = wanted?.id { contexts = contexts.filter { $0.dose.batchID == id } }
        guard !contexts.isEmpty else {
            print(wanted.map { "No dose of batch \($0.groupID) needs review; no page written." } ?? "No dose needs review; no page written.")
            return
        }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw runFailure("cannot create the folder \(folder): \(error.localizedDescription)", exit: SysExit.cantCreate)
        }
        let generated = ISO8601DateFormatter().string(from: Date())
        var order: [String] = []
        var byBatch: [String: [ReviewContext]] = [:]
        for c in contexts {
            if byBatch[c.batchGroupID] == nil { order.append(c.batchGroupID) }
            byBatch[c.batchGroupID, default: []].append(c)
        }
        for group in order {
            let html = ReviewPageBuilder.page(batch: group, contexts: byBatch[group] ?? [], generated: generated).html()
            let safe = String(group.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
            let path = (folder.hasSuffix("/") ? folder : folder + "/") + "review-\(safe).html"
            do { try html.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw runFailure("cannot write \(path): \(error.localizedDescription)", exit: SysExit.cantCreate)
            }
            print("batch \(group): \(byBatch[group]?.count ?? 0) dose(s) under review, page written to \(path)")
        }
    }
}
