import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct Overdue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the cards to chase: reminders due, and compensation for cards not returned or damaged.",
        discussion: """
            Every card is returned straight after its period. A card still out one month after its period \
            ends goes on the customer's reminder; three months after, compensation is charged. A card \
            retired as damaged on arrival is charged too. A card that comes back late is still read and \
            reported as usual. The list shows names and enrolment numbers, never national IDs. Runs on a \
            SQLite file or on PostgreSQL (--database postgres://…).

            Examples:
              tld overdue
              tld overdue --on 2027-01-31 --customer K-1001 --format csv > overdue.csv
            """)

    @Option(help: ArgumentHelp("Day to list for, YYYY-MM-DD (default: today).", valueName: "date"))
    var on: CalendarDay?

    @Option(help: "Only this customer.")
    var customer: String?

    @Option(help: "text or csv.")
    var format: OverdueFormat = .text

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    enum OverdueFormat: String, ExpressibleByArgument, CaseIterable { case text, csv }

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        let labStore = try store.openLabRecords(logger: logger)
        let list = try OverdueCards(store: labStore).list(on: on ?? today(), customerID: customer)
        print(format == .csv ? list.csv() : list.text(), terminator: "")
    }
}
