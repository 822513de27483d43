import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld import FILE.csv`: an existing lab's customers, wearers and enrolments.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import an existing lab's customers, wearers and enrolments from a CSV file (all or nothing).",
        discussion: """
            One row per enrolment, UTF-8 (a byte-order mark is fine), comma-separated with RFC 4180 \
            quoting, header exactly:
              \(ImportFile.header)
            dosimeter_type: whole-body | finger | neutron | shoulder; period: 2w | 1m | 3m; change_day: 1 | 15; \
            dates YYYY-MM-DD; end_date may be empty. See docs/import.md.

            The file is checked as a whole first: if any row is bad, nothing is imported and every bad row \
            is listed with its line number and the reason (exit 65). Otherwise it is written in one \
            transaction. Importing the same file again changes nothing: customers are found by number, \
            wearers by national ID (its keyed hash), enrolments by customer, wearer, type, period and start \
            date. Creates the lab database when there is none.

            Runs on PostgreSQL too (--database postgres://…, schema created when empty); there the \
            national-ID key must be named with --key-file or $TLD_NATIONAL_ID_KEY.

            Example:
              tld import examples/lab-import.csv
            """)

    @Argument(help: "The CSV file.") var file: String
    @Option(help: ArgumentHelp("Order date recorded for new enrolments (default: today).", valueName: "date"))
    var ordered: CalendarDay?
    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw ToolError.unreadable(path: file, reason: (error as NSError).localizedDescription)
        }
        // The whole file is checked before the database is touched, so a bad file creates nothing.
        let rows: [ImportFile.Row]
        switch ImportFile.parse(utf8: bytes) {
        case let .success(r): rows = r
        case let .failure(rejected): throw LabImport.Failure.rejected(rejected)
        }
        try key.requireNamedKey(database: store.path)
        let logger = makeLogger(verbose: logging.verbose)
        let labStore = try store.openMasterData(logger: logger, create: true)
        let protector = try key.protector(store: labStore, database: store.path)
        let s = try LabImport(store: labStore, protector: protector, logger: logger).run(rows: rows, orderedOn: ordered ?? today())
        if s.changedNothing {
            print("\(file): nothing to change (\(s.unchangedRows) enrolments already recorded).")
        } else {
            print("\(file): customers \(s.customersAdded) added, \(s.customersUpdated) changed; "
                  + "wearers \(s.wearersAdded) added, \(s.wearersUpdated) changed; "
                  + "enrolments \(s.enrolmentsAdded) added, \(s.enrolmentsUpdated) changed, \(s.unchangedRows) unchanged.")
        }
    }
}
