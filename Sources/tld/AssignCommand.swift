import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld assign`: a dose for a period whose dosimeter was lost, not returned or unreadable.
struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Assign a dose to a period whose dosimeter was lost, not returned or unreadable.",
        discussion: """
            Method (c) of the monitoring programme: --colleague W takes the dose measured on wearer W, a \
            colleague at the same customer, for the same period and dosimeter type (repeat --colleague \
            for a group: the highest dose is taken; below the detection limit counts as 0). Or a \
            notional dose: --notional-mSv X (Hp(10); for a finger card Hp(0.07)) with --hp007-mSv Y \
            (default X). Always with --who and --why. The dose is marked as assigned on the person's \
            record (tld history), the result list and the registry export. A measured dose replaces it \
            when the card comes back and is read. To correct an assigned dose, assign again with \
            --replaces ID. The issue number is in the issue column of tld history.

            Examples:
              tld assign --issue 41 --colleague 3 --who "Dr. P" --why "card lost; same work as wearer 3"
              tld assign --issue 41 --notional-mSv 0.3 --who "Dr. P" --why "card lost; workplace monitoring"
            """)

    @Option(help: ArgumentHelp("The issue (the card's period) to assign a dose to.", valueName: "id")) var issue: Int64
    @Option(help: ArgumentHelp("A colleague's wearer number (repeat for a group).", valueName: "n")) var colleague: [Int64] = []
    @Option(name: .customLong("notional-mSv"), help: ArgumentHelp("A notional Hp(10) in mSv (Hp(0.07) for a finger card).", valueName: "mSv"))
    var notional: Double?
    @Option(name: .customLong("hp007-mSv"), help: ArgumentHelp("The notional Hp(0.07) in mSv (default: --notional-mSv).", valueName: "mSv"))
    var hp007: Double?
    @Option(help: "Who assigns the dose (the physicist).") var who: String
    @Option(help: "Why: what happened to the dosimeter and why this dose.") var why: String
    @Option(help: "lost, not-returned or unreadable (default: not-returned for a card still out, else unreadable).")
    var reason: ReasonArgument?
    @Option(help: ArgumentHelp("The assigned dose this one corrects.", valueName: "id")) var replaces: Int64?
    @Option(help: ArgumentHelp("The day of the assignment (default today): the period must have ended before it.", valueName: "YYYY-MM-DD"))
    var on: CalendarDay?
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    enum ReasonArgument: String, ExpressibleByArgument {
        case lost, notReturned = "not-returned", unreadable
        var value: AssignedDose.Reason {
            switch self {
            case .lost: .lost
            case .notReturned: .notReturned
            case .unreadable: .unreadable
            }
        }
    }

    func validate() throws {
        if colleague.isEmpty == (notional == nil) { throw ValidationError("Give --colleague (method (c)) or --notional-mSv, not both.") }
        if hp007 != nil && notional == nil { throw ValidationError("--hp007-mSv goes with --notional-mSv.") }
        if who.trimmingCharacters(in: .whitespaces).isEmpty || why.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--who and --why must not be empty.")
        }
    }

    func run() throws {
        let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
        let assignment = DoseAssignment(store: labStore)
        let issueID = CardIssue.ID(rawValue: issue)
        let replacesID = replaces.map(AssignedDose.ID.init(rawValue:))
        let dose: AssignedDose
        do {
            if let notional {
                dose = try assignment.notional(issueID: issueID, hp10MilliSievert: notional, hp007MilliSievert: hp007, who: who, why: why,
                                               reason: reason?.value, replaces: replacesID, today: on ?? today())
            } else {
                dose = try assignment.fromColleagues(issueID: issueID, colleagues: colleague.map(Wearer.ID.init(rawValue:)), who: who, why: why,
                                                     reason: reason?.value, replaces: replacesID, today: on ?? today())
            }
        } catch let error as DoseAssignmentError {
            throw runFailure(error.description, exit: .dataError)
        }
        func mSv(_ v: Double?) -> String { v.map { String(format: "%.2f mSv", $0) } ?? "—" }
        print("assigned dose \(dose.id?.rawValue ?? 0) on issue \(issue): Hp(10) \(mSv(dose.hp10MilliSievert)), "
              + "Hp(0.07) \(mSv(dose.hp007MilliSievert)); \(dose.remark)")
    }
}
