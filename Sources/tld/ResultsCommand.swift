import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct Results: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a customer's result list: text, HTML, PDF (A4) and CSV.",
        discussion: """
            Lists every issue of the customer whose wear period ended between --from and --period-end: \
            the released dose of the person who wore the card (a card handed over is on the line of the \
            person who wore it; the original wearer's line says "handed over"), Hp(0.07) only for a \
            finger card, and remarks for late, damaged and missing cards. A dose not released yet (under \
            review, or not evaluated) is listed as pending without a value, and the document is marked \
            DRAFT. Batches read but not evaluated are evaluated first.

            Writes results-CUSTOMER-PERIODEND.txt, .html, .pdf and .csv to --out. The CSV header is \
            customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks, then \
            sums_year,ytd_hp10_msv,ytd_hp007_msv,lifetime_hp10_msv,lifetime_hp007_msv,sums_remarks.

            Each line also has the person's year-to-date and lifetime Hp(10)/Hp(0.07) up to and including \
            its period, from their dose record at every customer (found by the national ID, docs/dose-records.md); \
            the conventions (<DL counts 0, assigned doses marked A and counted, * and + on sums) are in a \
            footnote. The list is signed by the responsible physicist: --physicist NAME, else the one person \
            who released its doses (automatic releases, who system:..., not counted); when several did, the \
            signature line is left blank for a hand signature and a note says so. --remark adds a remark to \
            the list (repeatable).

            Results turnaround (docs/dose-records.md): a result is due one month after its period's end \
            when the card came back by the reminder day (period end + 1 month), else one month after it \
            arrived. --due lists the results not released yet that are late or due within --within days \
            (default 7) on --on (default today); --turnaround --year Y gives per month of period end the \
            periods, cards not back, results released (on time), open ones, and the median and longest \
            days from period end to release.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…): the result list, --due and \
            --turnaround alike.

            Examples:
              tld results --customer K-1001 --out results --period-end 2026-10-31
              tld results --customer K-1001 --out results --period-end 2026-10-31 --physicist "J. Physicist" --remark "Card 1234 replaced."
              tld results --due [--customer K-1001] [--within 7] [--on 2027-03-05] [--format csv]
              tld results --turnaround --year 2027 [--customer K-1001] [--format json]
            """)

    @Option(help: "Customer number (with --due or --turnaround: only this customer).")
    var customer: String?

    @Option(help: ArgumentHelp("Folder for the documents (created if missing).", valueName: "dir"))
    var out: String?

    @OptionGroup var turnaround: ResultsTurnaroundOptions

    @Option(help: ArgumentHelp("The responsible physicist who signs the list (default: the one who released its doses).", valueName: "name"))
    var physicist: String?

    @Option(help: ArgumentHelp("A remark printed on the list (repeatable).", valueName: "text"))
    var remark: [String] = []

    @Option(help: ArgumentHelp("Last day of the periods listed (default: today).", valueName: "YYYY-MM-DD"))
    var periodEnd: CalendarDay?

    @Option(help: ArgumentHelp("First day of the periods' ends listed (default: the 1st of --period-end's month).", valueName: "YYYY-MM-DD"))
    var from: CalendarDay?

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if !turnaround.due && !turnaround.turnaround && (customer == nil || out == nil) {
            throw ValidationError("Give --customer and --out (a result list), or --due, or --turnaround --year Y.")
        }
        try turnaround.validate()
        if let physicist, physicist.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--physicist must name someone.") }
    }

    func run() throws {
        let logger = makeLogger(verbose: logging.verbose)
        if turnaround.due || turnaround.turnaround {
            return try turnaround.run(store: try store.openEvaluation(logger: logger), customer: customer)
        }
        // The result list has each person's sums from their dose record (both backends, StoreCases.swift).
        let labStore = try store.openCases(logger: logger)
        guard let customer, let out else { return }
        guard try labStore.customer(id: customer) != nil else { throw runFailure("no customer \(customer)", exit: SysExit.dataError) }
        let to = periodEnd ?? today()
        let start = from ?? to.firstOfMonth
        guard start <= to else { throw runFailure("--from \(start) is after --period-end \(to)", exit: SysExit.dataError) }
        let pending = PendingEvaluations(store: labStore, logger: logger)
        try pending.finish()
        for line in PendingEvaluations.describe(try pending.outstanding()) { note(line) }
        let protector = try key.protector(store: labStore, database: store.path)
        var list = try ReportBuilder(store: labStore, protector: protector).resultList(customerID: customer, from: start, to: to, today: today())
        // Result list v2 (the sums per line are added by ReportBuilder): the signature, remarks, issue date.
        let sums = ResultListSums(store: labStore)
        let signer = try sums.physicist(customerID: customer, from: start, to: to, given: physicist)
        list.physicist = signer.name
        list.releasedBy = signer.releasedBy
        list.notes = remark
        list.issued = today().description
        if signer.name == nil && signer.releasedBy.filter({ !$0.hasPrefix("system:") }).count > 1 {
            note("several people released doses on this list (\(signer.releasedBy.joined(separator: ", "))): "
                 + "the signature line is left blank; name the responsible physicist with --physicist NAME")
        }
        let written: [String]
        do {
            written = try ResultListFiles(folder: try DocumentFolder(path: out)).write(list, periodEnd: to, issued: today())
        } catch let error as DocumentFolderError {
            throw runFailure(error.description, exit: SysExit.cantCreate)
        }
        let text = list.text()
        let pendingRows = list.rows.filter { $0.status == "pending" }.count
        print(text)
        print("Result list \(list.reportNumber) (\(list.status)): \(list.rows.count) line(s), \(pendingRows) pending. Written to \(out): "
              + written.joined(separator: ", "))
    }
}
