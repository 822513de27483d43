import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct ChargesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "charges",
        abstract: "The charges ledger: cards sent and compensation due, with totals per customer and month.",
        discussion: """
            Every card sent is in the ledger at the price in force on its dispatch day (tld dispatch \
            records it). Compensation falls due for a card not returned three months after its period \
            ended, and for a card damaged by the customer, at the amount in force on the card's last \
            on-time return date. Each run first records the compensations due on --on (default today) \
            that are not in the ledger yet; a charge once recorded stays, also when the card comes back \
            later. --from/--to select by the day a charge fell due. Runs on a SQLite file or on \
            PostgreSQL (--database postgres://…); two desks bringing the ledger up to date at once record \
            each charge once.

            Examples:
              tld charges
              tld charges --on 2027-04-30 --from 2027-04-01 --to 2027-04-30 --customer K-1001
              tld charges --format csv > charges.csv
            """)

    @Option(help: ArgumentHelp("Bring the ledger up to this day first, YYYY-MM-DD (default: today).", valueName: "date"))
    var on: CalendarDay?

    @Option(help: ArgumentHelp("First due day to list, YYYY-MM-DD.", valueName: "date"))
    var from: CalendarDay?

    @Option(help: ArgumentHelp("Last due day to list, YYYY-MM-DD.", valueName: "date"))
    var to: CalendarDay?

    @Option(help: "Only this customer.")
    var customer: String?

    @Option(help: "table, csv or json.")
    var format: ListingFormat = .table

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let from, let to, to < from { throw ValidationError("--to \(to) is before --from \(from)") }
    }

    func run() throws {
        try reportingFailures {
            let labStore = try store.openDispatch(logger: makeLogger(verbose: logging.verbose))
            let day = on ?? today()
            let ledger = ChargesLedger(store: labStore)
            let recorded = try ledger.recordDue(on: day)
            let statement = try ledger.statement(customerID: customer, from: from, to: to, asOf: day)
            switch format {
            case .table:
                if !recorded.isEmpty { print("Recorded \(recorded.count) compensation charges due by \(day).\n") }
                print(statement.text(), terminator: "")
            case .csv: print(statement.csv(), terminator: "")
            case .json: print(try statement.json(), terminator: "")
            }
        }
    }
}
