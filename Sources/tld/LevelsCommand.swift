import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

struct Levels: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set and show each customer's review and report levels.",
        discussion: """
            Every evaluation applies the customer's levels in force on the last day of the card's wear \
            period to the dose the card reports (Hp(10); Hp(0.07) for a finger card): above the review \
            level the dose goes to the physicist (reason "above review level"); above the report level \
            (a dose to report to the authority, DOMAIN.md section 4: Hp(10) > 10 mSv in one period) with \
            the reason "above report level". Without levels of its own a customer has the lab's defaults: \
            review 1 mSv, report 10 mSv. Levels are history: each setting is kept with its valid-from day.
            """,
        subcommands: [Set.self, Show.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a customer's levels from a day on.",
            discussion: "Example: tld levels set --customer K-1001 --review-mSv 0.5 --report-mSv 10 --valid-from 2027-01-01")

        @Option(help: "Customer number.")
        var customer: String
        @Option(name: .customLong("review-mSv"), help: ArgumentHelp("Review level, mSv per period.", valueName: "mSv"))
        var review: Double
        @Option(name: .customLong("report-mSv"), help: ArgumentHelp("Report level, mSv per period.", valueName: "mSv"))
        var report: Double
        @Option(help: ArgumentHelp("First day the levels apply (periods ending on or after it; default: today).", valueName: "YYYY-MM-DD"))
        var validFrom: CalendarDay?

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            for (v, name) in [(review, "--review-mSv"), (report, "--report-mSv")] where !(v.isFinite && v >= 0 && v <= 10_000) {
                throw runFailure("\(name) \(v) is not a level from 0 to 10000 mSv", exit: SysExit.dataError)
            }
            guard review <= report else {
                throw runFailure("the review level (\(review) mSv) must not be above the report level (\(report) mSv)", exit: SysExit.dataError)
            }
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            let saved: CustomerLevels
            do {
                saved = try labStore.saveLevels(CustomerLevels(
                    customerID: customer, validFrom: validFrom ?? today(), reviewMilliSievert: review, reportMilliSievert: report, setAt: Date()))
            } catch {
                throw runFailure(error.description, exit: SysExit.dataError)
            }
            print("Levels of \(saved.customerID) from \(saved.validFrom): review above \(saved.reviewMilliSievert) mSv, report above \(saved.reportMilliSievert) mSv.")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the levels of one customer or of all (with their history).")

        @Option(help: "Customer number (default: every customer).")
        var customer: String?

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            let ids = try customer.map { [$0] } ?? labStore.customers().map(\.id)
            if let customer, try labStore.customer(id: customer) == nil {
                throw runFailure("no customer \(customer)", exit: SysExit.dataError)
            }
            print("customer    valid from   review mSv  report mSv")
            for id in ids {
                let history = try labStore.levelsHistory(customerID: id)
                if history.isEmpty {
                    print("\(id.padding(toLength: 11, withPad: " ", startingAt: 0)) (defaults)   \(String(format: "%10.3f  %10.3f", CustomerLevels.defaultReviewMilliSievert, CustomerLevels.defaultReportMilliSievert))")
                }
                for l in history {
                    print("\(id.padding(toLength: 11, withPad: " ", startingAt: 0)) \(l.validFrom)   \(String(format: "%10.3f  %10.3f", l.reviewMilliSievert, l.reportMilliSievert))")
                }
            }
        }
    }
}
