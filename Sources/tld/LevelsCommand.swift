import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct Levels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set and show each customer's review, report and monitoring levels.",
        discussion: """
            Every evaluation applies the customer's levels in force on the last day of the card's wear \
            period to the dose the card reports (Hp(10); Hp(0.07) for a finger card): above the review \
            level the dose goes to the physicist (reason "above review level"); above the report level \
            (a dose to report to the authority, DOMAIN.md section 4: Hp(10) > 10 mSv in one period) with \
            the reason "above report level". Without levels of its own a customer has the lab's defaults: \
            review 1 mSv, report 10 mSv. Levels are history: each setting is kept with its valid-from day, \
            who set it and when.

            Monitoring levels (in E, compared with Hp(10); the Czech monitoring programme, section 5 b, \
            whose example values are the defaults): recording 0.125, investigation 0.5 and intervention \
            3 mSv per 3 months (the calendar quarter in which a period ends); investigation 1, intervention \
            6 mSv and the dose constraint 1 mSv per calendar year. Every evaluation, release and correction \
            compares the person's period dose and running sums with them and opens a case when one is \
            crossed (tld cases). A level not given keeps the value in force on the valid-from day.
            """,
        subcommands: [Set.self, Show.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a customer's levels from a day on.",
            discussion: """
                Examples:
                  tld levels set --customer K-1001 --review-mSv 0.5 --report-mSv 10 --valid-from 2027-01-01
                  tld levels set --customer K-1001 --investigation-quarter-mSv 0.3 --who "J. Physicist" --valid-from 2027-01-01
                """)

        @Option(help: "Customer number.")
        var customer: String
        @Option(name: .customLong("review-mSv"), help: ArgumentHelp("Review level, mSv per period.", valueName: "mSv"))
        var reviewLevel: Double?
        @Option(name: .customLong("report-mSv"), help: ArgumentHelp("Report level, mSv per period.", valueName: "mSv"))
        var reportLevel: Double?
        @Option(name: .customLong("recording-mSv"), help: ArgumentHelp("Recording level, mSv per 3 months.", valueName: "mSv"))
        var recording: Double?
        @Option(name: .customLong("investigation-quarter-mSv"), help: ArgumentHelp("Investigation level, mSv per 3 months.", valueName: "mSv"))
        var investigationQuarter: Double?
        @Option(name: .customLong("intervention-quarter-mSv"), help: ArgumentHelp("Intervention level, mSv per 3 months.", valueName: "mSv"))
        var interventionQuarter: Double?
        @Option(name: .customLong("investigation-year-mSv"), help: ArgumentHelp("Investigation level, mSv per calendar year.", valueName: "mSv"))
        var investigationYear: Double?
        @Option(name: .customLong("intervention-year-mSv"), help: ArgumentHelp("Intervention level, mSv per calendar year.", valueName: "mSv"))
        var interventionYear: Double?
        @Option(name: .customLong("constraint-year-mSv"), help: ArgumentHelp("Dose constraint, mSv per calendar year.", valueName: "mSv"))
        var constraintYear: Double?
        @Option(help: "Who sets the levels (default: $USER).")
        var who: String?
        @Option(help: ArgumentHelp("First day the levels apply (periods ending on or after it; default: today).", valueName: "YYYY-MM-DD"))
        var validFrom: CalendarDay?

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let given: [(Double?, String)] = [
                (reviewLevel, "--review-mSv"), (reportLevel, "--report-mSv"), (recording, "--recording-mSv"),
                (investigationQuarter, "--investigation-quarter-mSv"), (interventionQuarter, "--intervention-quarter-mSv"),
                (investigationYear, "--investigation-year-mSv"), (interventionYear, "--intervention-year-mSv"), (constraintYear, "--constraint-year-mSv"),
            ]
            guard given.contains(where: { $0.0 != nil }) else {
                throw runFailure("give at least one level (e.g. --review-mSv, --investigation-quarter-mSv); see tld levels set --help", exit: SysExit.usage)
            }
            for case let (v?, name) in given where !(v.isFinite && v >= 0 && v <= 10_000) {
                throw runFailure("\(name) \(v) is not a level from 0 to 10000 mSv", exit: SysExit.dataError)
            }
            let labStore = try store.openEvaluation(logger: makeLogger(verbose: logging.verbose))
            let day = validFrom ?? today()
            // A level not given keeps the value in force on the valid-from day.
            let base = try labStore.levels(customerID: customer, on: day)
            let review = reviewLevel ?? base.reviewMilliSievert
            let report = reportLevel ?? base.reportMilliSievert
            guard review <= report else {
                throw runFailure("the review level (\(review) mSv) must not be above the report level (\(report) mSv)", exit: SysExit.dataError)
            }
            let setter = who ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            let saved: CustomerLevels
            do {
                saved = try labStore.saveLevels(CustomerLevels(
                    customerID: customer, validFrom: day, reviewMilliSievert: review, reportMilliSievert: report, setAt: Date(),
                    recordingQuarterMilliSievert: recording ?? base.recordingQuarterMilliSievert,
                    investigationQuarterMilliSievert: investigationQuarter ?? base.investigationQuarterMilliSievert,
                    interventionQuarterMilliSievert: interventionQuarter ?? base.interventionQuarterMilliSievert,
                    investigationYearMilliSievert: investigationYear ?? base.investigationYearMilliSievert,
                    interventionYearMilliSievert: interventionYear ?? base.interventionYearMilliSievert,
                    doseConstraintYearMilliSievert: constraintYear ?? base.doseConstraintYearMilliSievert, setBy: setter))
            } catch {
                throw runFailure(error.description, exit: SysExit.dataError)
            }
            print("Levels of \(saved.customerID) from \(saved.validFrom): review above \(saved.reviewMilliSievert) mSv, report above \(saved.reportMilliSievert) mSv.")
            print("Monitoring levels: " + saved.monitoringLevels.map { "\($0.name) \($0.milliSievert) mSv" }.joined(separator: ", ") + ".")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the levels of one customer or of all (with their history).")

        @Option(help: "Customer number (default: every customer).")
        var customer: String?

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openEvaluation(logger: makeLogger(verbose: logging.verbose))
            let ids = try customer.map { [$0] } ?? labStore.customers().map(\.id)
            if let customer, try labStore.customer(id: customer) == nil {
                throw runFailure("no customer \(customer)", exit: SysExit.dataError)
            }
            print("customer    valid from   review mSv  report mSv  record/3m  invest/3m  interv/3m  invest/yr  interv/yr  constr/yr  set by")
            for id in ids {
                let history = try labStore.levelsHistory(customerID: id)
                if history.isEmpty {
                    let d = CustomerLevels.defaults(customerID: id)
                    print("\(id.padding(toLength: 11, withPad: " ", startingAt: 0)) (defaults)   \(String(format: "%10.3f  %10.3f", CustomerLevels.defaultReviewMilliSievert, CustomerLevels.defaultReportMilliSievert))" + Self.monitoring(d))
                }
                for l in history {
                    print("\(id.padding(toLength: 11, withPad: " ", startingAt: 0)) \(l.validFrom)   \(String(format: "%10.3f  %10.3f", l.reviewMilliSievert, l.reportMilliSievert))"
                          + Self.monitoring(l) + "  \(l.setBy.isEmpty ? "-" : l.setBy) \(ElevatedDoseNoticeBuilder.dayString(l.setAt))")
                }
            }
        }

        static func monitoring(_ l: CustomerLevels) -> String {
            l.monitoringLevels.map { String(format: "  %9.3f", $0.milliSievert) }.joined()
        }
    }
}
