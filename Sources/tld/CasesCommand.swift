import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// A yes/no answer on the command line.
enum YesNo: String, ExpressibleByArgument, CaseIterable {
    case yes, no
    var bool: Bool { self == .yes }
}

extension NotificationChannel: ExpressibleByArgument {}

struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases",
        abstract: "Monitoring-level cases: list the open ones with their deadlines, show, investigate, close.",
        discussion: """
            Every evaluation, release and correction (tld review --correct) checks a wearer's Hp(10) \
            against the customer's monitoring levels (tld levels): the period dose, the sum over the \
            calendar quarter and the sum over the calendar year in which the period ends, summed over \
            every customer the person works for (by the national ID's look-up hash). A level crossed \
            opens a case, one per person, level and period, never twice. Hp(10) above 10 mSv in one \
            period or above 15 mSv in a calendar year also raises a notification to the authority on the \
            day the dose is released (tld notifications). Deadlines: a notifiable case is due the day it \
            opens (the programme's "without delay"); an investigation within 30 days \
            (docs/levels-and-cases.md gives the sources).

            A case closes only with a complete investigation record (personal dose or not, apron worn, \
            refined effective dose and its method, causes, actions, who informed the worker and when) \
            and, if the authority was to be notified, once that notification is marked sent; the \
            database enforces both.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…, the key named with \
            --key-file or $TLD_NATIONAL_ID_KEY): the same cases and checks on both.

            Examples:
              tld cases                  (deadlines against today; --on 2027-03-01 for another lab day)
              tld cases show 3
              tld cases investigate 3 --who "J. Physicist" --personal-dose yes
              tld cases investigate 3 --who "J. Physicist" --apron yes --refined-mSv 1.4
                --method "apron factor 0.1 on Hp(10)" --causes "long fluoroscopy"
                --actions "second operator rota" --informed-by "RPO A. Berg"
                --informed-on 2026-12-07
              tld cases close 3 --who "J. Physicist"
              tld cases check     (every current dose again, e.g. after tld levels set)
            """,
        subcommands: [List.self, Show.self, Investigate.self, Close.self, Check.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open cases, earliest deadline first.")
        @Flag(help: "Closed cases too.")
        var all = false
        @Option(help: "Only this customer's cases.")
        var customer: String?
        @OptionGroup var labDay: LabDayOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            try LevelCheck(store: labStore, logger: makeLogger(verbose: logging.verbose), now: labDay.clock).catchUp()
            let cases = try labStore.levelCases(includeClosed: all, customerID: customer)
            if cases.isEmpty { print(all ? "No cases." : "No open cases."); return }
            let protector = try key.protector(store: labStore, database: store.path)
            let day = labDay.day
            print("case  kind                  period                  person                          customer  mSv     level   deadline    state")
            for c in cases {
                let wearer = try labStore.wearer(id: c.wearerID)
                let who = (wearer?.name ?? "?") + " " + (wearer.map { shownNationalID($0, protector: protector) } ?? "")
                var state = c.isOpen ? (c.deadline < day ? "OVERDUE" : "open") : "closed"
                if let id = c.id, let n = try labStore.notification(caseID: id) {
                    state += n.isSent ? ", notified \(n.reportNumber)" : ", NOTIFY \(n.reportNumber)"
                }
                if c.isOpen, let id = c.id {
                    let missing = try labStore.investigation(caseID: id)?.missing.count ?? 8
                    if missing > 0 { state += ", \(missing) answer(s) missing" }
                }
                print([pad("\(c.id?.rawValue ?? 0)", 5), pad(c.kind.rawValue, 21), pad(c.periodKey, 23), pad(who, 31), pad(c.customerID, 9),
                       pad(String(format: "%.3f", c.valueMilliSievert), 7), pad(String(format: "%.3f", c.levelMilliSievert), 7),
                       pad(c.deadline.description, 11), state].joined(separator: " "))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case with its investigation and notification.")
        @Argument(help: "Case number.")
        var id: Int64
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            let caseID = LevelCase.ID(rawValue: id)
            guard let c = try labStore.levelCase(id: caseID) else { throw runFailure("no case \(id)", exit: SysExit.dataError) }
            let protector = try key.protector(store: labStore, database: store.path)
            let wearer = try labStore.wearer(id: c.wearerID)
            let dose = try labStore.dose(id: c.doseID)
            print("case \(id): \(c.kind.description)")
            print("  person:    \(wearer?.name ?? "?") \(wearer.map { shownNationalID($0, protector: protector) } ?? "")")
            print("  customer:  \(c.customerID)")
            print("  period:    \(c.periodKey)")
            print("  dose:      \(String(format: "%.3f", c.valueMilliSievert)) mSv > \(String(format: "%.3f", c.levelMilliSievert)) mSv (card \(dose?.cardID ?? "?"), dose \(c.doseID.rawValue))")
            print("  opened:    \(c.openedOn)   deadline \(c.deadline)")
            print("  state:     " + (c.closedAt.map { "closed \(ElevatedDoseNoticeBuilder.dayString($0)) by \(c.closedBy ?? "")" } ?? "open"))
            if let n = try labStore.notification(caseID: caseID) {
                print("  notification \(n.reportNumber) raised \(n.raisedOn): "
                      + (n.sentAt.map { "sent \(ElevatedDoseNoticeBuilder.dayString($0)) by \(n.sentBy ?? "") (\(n.sentHow?.rawValue ?? ""))" } ?? "NOT SENT (tld notifications show \(n.id?.rawValue ?? 0))"))
            }
            let inv = try labStore.investigation(caseID: caseID)
            func yn(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? "-" }
            print("investigation:")
            print("  personal dose:        \(yn(inv?.personalDose))")
            print("  apron worn:           \(yn(inv?.apronWorn))")
            print("  refined E:            \(inv?.refinedEffectiveMilliSievert.map { String(format: "%.3f mSv", $0) } ?? "-")  method: \(inv?.refinedMethod ?? "-")")
            print("  causes:               \(inv?.causes ?? "-")")
            print("  actions:              \(inv?.actions ?? "-")")
            print("  worker informed by:   \(inv?.workerInformedBy ?? "-") on \(inv?.workerInformedOn?.description ?? "-")")
            if let inv { print("  recorded by:          \(inv.recordedBy) \(ElevatedDoseNoticeBuilder.dayString(inv.recordedAt))") }
            let missing = inv?.missing ?? CaseInvestigation(caseID: caseID, recordedBy: "", recordedAt: Date()).missing
            if c.isOpen && !missing.isEmpty { print("missing before it can close: " + missing.joined(separator: "; ")) }
        }
    }

    struct Investigate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record (part of) a case's investigation; answers given before are kept.",
            discussion: "The questions are the Czech monitoring programme's (section 6): was it a personal dose, was a protective apron worn, the effective dose refined from Hp(10) (e.g. by the apron's attenuation) and how, the causes, the actions, and who informed the worker when.")
        @Argument(help: "Case number.")
        var id: Int64
        @Option(help: "Who records it.")
        var who: String
        @Option(help: "Was it a personal dose (yes|no)?")
        var personalDose: YesNo?
        @Option(help: "Was a protective apron worn (yes|no)?")
        var apron: YesNo?
        @Option(name: .customLong("refined-mSv"), help: ArgumentHelp("Refined effective dose E, mSv.", valueName: "mSv"))
        var refined: Double?
        @Option(help: "How E was refined.")
        var method: String?
        @Option(help: "Causes found.")
        var causes: String?
        @Option(help: "Actions taken or decided.")
        var actions: String?
        @Option(help: "Who informed the worker.")
        var informedBy: String?
        @Option(help: ArgumentHelp("The day the worker was informed.", valueName: "YYYY-MM-DD"))
        var informedOn: CalendarDay?
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            guard !who.trimmingCharacters(in: .whitespaces).isEmpty else { throw runFailure("--who must name someone", exit: SysExit.dataError) }
            if let refined, !(refined.isFinite && refined >= 0 && refined <= 10_000) {
                throw runFailure("--refined-mSv \(refined) is not a dose from 0 to 10000 mSv; nothing was stored", exit: SysExit.dataError)
            }
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            let caseID = LevelCase.ID(rawValue: id)
            guard try labStore.levelCase(id: caseID) != nil else { throw runFailure("no case \(id)", exit: SysExit.dataError) }
            func text(_ s: String?) -> String? { s.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
            let saved: CaseInvestigation
            do {
                saved = try labStore.recordInvestigation(CaseInvestigation(
                    caseID: caseID, personalDose: personalDose?.bool, apronWorn: apron?.bool, refinedEffectiveMilliSievert: refined,
                    refinedMethod: text(method), causes: text(causes), actions: text(actions), workerInformedBy: text(informedBy),
                    workerInformedOn: informedOn, recordedBy: who, recordedAt: Date()))
            } catch {
                throw runFailure(error.description, exit: SysExit.dataError)
            }
            print(saved.isComplete ? "case \(id): investigation complete; close it with tld cases close \(id) --who …"
                  : "case \(id): investigation recorded; still missing: " + saved.missing.joined(separator: "; "))
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a case whose investigation is complete (and notification sent).")
        @Argument(help: "Case number.")
        var id: Int64
        @Option(help: "Who closes it.")
        var who: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            guard !who.trimmingCharacters(in: .whitespaces).isEmpty else { throw runFailure("--who must name someone", exit: SysExit.dataError) }
            let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
            do {
                let c = try labStore.closeCase(id: LevelCase.ID(rawValue: id), by: who)
                print("case \(id) closed by \(c.closedBy ?? who).")
            } catch {
                throw runFailure(error.description, exit: SysExit.dataError)
            }
        }
    }
}

extension CasesCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every current dose against the levels again (after a change of levels); opens only cases not open yet.",
            discussion: "Evaluation, release and correction run the same check on their own doses; this one runs it over every current dose. A case or notification that exists is never opened or raised again.")
        @OptionGroup var labDay: LabDayOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let logger = makeLogger(verbose: logging.verbose)
            let labStore = try store.openCases(logger: logger)
            let ids = try labStore.currentDoseIDs()
            let outcome = try LevelCheck(store: labStore, logger: logger, now: labDay.clock).check(doses: ids)
            print("\(ids.count) dose(s) checked: \(outcome.openedCases.count) case(s) opened, \(outcome.raisedNotifications.count) notification(s) raised.")
            try printCaseNews(labStore)
        }
    }
}

private func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
