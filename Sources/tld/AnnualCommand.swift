import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import LabWorkflow

struct AnnualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annual",
        abstract: "A customer's annual radiation-safety review of a year (text, HTML, PDF); --due lists the reviews due by 1 March.",
        discussion: """
            The review (the Swedish hospital routine: the year's radiation-safety accounts are finished by \
            1 March, each clinic reviews its radiation work in March) holds every monitored worker's annual \
            Hp(10) at the customer and at all customers, the trend against the four years before (table and \
            bar chart), the monitoring levels exceeded in the year with the actions recorded (tld cases), and \
            the missing and damaged dosimeters. It is DRAFT while a card of the year that came back has no released dose (tld release, tld review). \
            Writing a FINAL review with --out records the day; --due lists the customers monitored in the past year, each review's \
            due date (1 March) and whether it was written. docs/levels-and-cases.md.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…).

            Examples:
              tld annual --customer K-1001 --year 2026 --out reviews
              tld annual --due
              tld annual --due --on 2027-02-15
            """)

    @Option(help: "Customer number.")
    var customer: String?
    @Option(help: "Calendar year of the review.")
    var year: Int?
    @Option(help: ArgumentHelp("Directory for annual-<customer>-<year>.txt/.html/.pdf (default: print the text).", valueName: "dir"))
    var out: String?
    @Option(help: "Who writes the review (default: $USER).")
    var who: String?
    @Flag(help: "List the customers whose review of the past year is due by 1 March.")
    var due = false
    @Option(help: ArgumentHelp("The day --due is asked on (default: today).", valueName: "YYYY-MM-DD"))
    var on: CalendarDay?

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if due && (customer != nil || year != nil || out != nil) { throw ValidationError("--due goes without --customer, --year and --out.") }
        if !due && (customer == nil || year == nil) { throw ValidationError("Give --customer and --year, or --due.") }
        if !due && on != nil { throw ValidationError("--on goes with --due.") }
        if let year, !(1900...9999).contains(year) { throw ValidationError("--year \(year) is not a calendar year.") }
    }

    func run() throws {
        let labStore = try store.openCases(logger: makeLogger(verbose: logging.verbose))
        if due { try listDue(labStore); return }
        guard let customer, let year else { return }
        guard try labStore.customer(id: customer) != nil else { throw runFailure("no customer \(customer)", exit: SysExit.dataError) }
        let protector = try key.protector(store: labStore, database: store.path)
        let review = try AnnualReviewBuilder(store: labStore, protector: protector).review(customerID: customer, year: year, today: today())
        guard let out else {
            print(review.text(), terminator: "")
            return
        }
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        let base = "annual-\(customer)-\(year)"
        let documents = review.documents()
        let files: [(String, [UInt8])] = [("\(base).txt", Array(documents.text.utf8)), ("\(base).html", Array(documents.html.utf8)), ("\(base).pdf", documents.pdf)]
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name), options: .atomic) }
        } catch {
            throw runFailure("cannot write the review to \(out): \(error.localizedDescription)", exit: SysExit.cantCreate)
        }
        if !review.isDraft { try labStore.recordAnnualReview(customerID: customer, year: year, by: who ?? ProcessInfo.processInfo.environment["USER"] ?? "") }
        print("Annual review \(review.reportNumber) (\(review.status)): \(review.workers.count) worker(s), \(review.cases.count) case(s), "
              + "\(review.dosimeters.count) missing or damaged dosimeter(s). Written: " + files.map { out + "/" + $0.0 }.joined(separator: ", "))
    }

    func listDue(_ labStore: CasesLab) throws {
        let day = on ?? today()
        let reviewYear = day.year - 1
        let dueOn = try AnnualReviewBuilder.dueDate(year: reviewYear)
        let written = try labStore.annualReviewsWritten(year: reviewYear)
        let first = try CalendarDay(year: reviewYear, month: 1, day: 1), last = try CalendarDay(year: reviewYear, month: 12, day: 31)
        var rows: [[String]] = []
        for c in try labStore.customers() where try labStore.issues(customerID: c.id).contains(where: { $0.periodEnd >= first && $0.periodEnd <= last }) {
            let state = written[c.id].map { "written \(ElevatedDoseNoticeBuilder.dayString($0))" } ?? (day > dueOn ? "OVERDUE" : "due in \(day.days(to: dueOn)) day(s)")
            rows.append([c.id, c.name, "\(reviewYear)", dueOn.description, state])
        }
        if rows.isEmpty { print("No customer was monitored in \(reviewYear): no annual review due."); return }
        print(ReportFormatting.textTable(["customer", "name", "year", "due", "state"], rows), terminator: "")
    }
}
