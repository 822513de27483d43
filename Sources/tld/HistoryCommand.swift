import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

/// `tld history`: one person's dose record across customers and years, with its sums.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a person's dose record: every period's Hp(10) and Hp(0.07), and the sums.",
        discussion: """
            The person is found by the national ID's keyed look-up hash (never by name), so the record \
            covers every customer they are a wearer at. Give --wearer (any of their wearer numbers), \
            --national-id (- to type it on standard input) or --enrolment (any of their enrolment \
            numbers); the ID is shown as its first 4 digits only.

            Each period has its status: measured, below detection limit (shown as <DL, counted as 0), \
            assigned (a dose assigned for a lost, unreturned or unreadable dosimeter: always marked), \
            not returned, handed over (the card was worn by someone else, whose record has the dose), \
            pending (not released yet) or no valid result. The sums are per calendar quarter, calendar \
            year, the five years ending with --on's year, and lifetime; a period counts in the quarter \
            and year it ends in. Conventions: docs/dose-records.md.

            --out DIR also writes the person's own extract of the record as documents: \
            dose-record-W<wearer>-<on>.txt, .html and .pdf (A4: header, report number, the person with the \
            ID's first 4 digits, every period with its status, the sums per year, 5 years and lifetime, the \
            conventions). DRAFT while a dose ended by --on is pending release.

            --termination --enrolment TILM-… --out DIR writes the termination report of an enrolment that \
            ended (tld unenrol): termination-TILM-….txt, .html and .pdf with every period of the enrolment, \
            the sum over it, and the person's sums for the year of the end date and lifetime up to it (every \
            customer). DRAFT while a period of the enrolment is still without a dose (card not back, dose \
            not released); write it again when it is final.

            Examples:
              tld history --wearer 3
              tld history --national-id - --format json < id.txt
              tld history --wearer 3 --format csv --on 2027-12-31
              tld history --wearer 3 --out extracts
              tld history --enrolment TILM-00000007 --termination --out reports
            """)

    @OptionGroup var person: PersonOptions
    @Option(help: "table, csv or json.") var format: ListFormat = .table
    @Option(help: ArgumentHelp("The day the sums are as of (quarter, year, 5 years; default today).", valueName: "YYYY-MM-DD"))
    var on: CalendarDay?
    @Option(help: ArgumentHelp("Folder for the person's extract (or with --termination, the termination report): .txt, .html, .pdf.", valueName: "dir"))
    var out: String?
    @Flag(help: "Write the termination report of the --enrolment (which must have ended) to --out.")
    var termination = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        try person.requirePerson()
        if termination && (person.enrolment == nil || out == nil) {
            throw ValidationError("--termination needs --enrolment TILM-… and --out DIR.")
        }
    }

    func run() throws {
        let labStore = try store.openDoseRecords(logger: makeLogger(verbose: logging.verbose))
        let protector = try key.protector(store: labStore, database: store.path)
        let (lookup, shown) = try person.lookup(store: labStore, protector: protector)
        let wearers = try labStore.wearers(nationalIDLookup: lookup)
        guard !wearers.isEmpty else { throw ToolError.refused("no wearer has this national ID") }
        let periods = try labStore.doseRecord(nationalIDLookup: lookup)
        let asOf = on ?? today()
        let names = wearers.map { "\($0.name) (wearer \($0.id?.rawValue ?? 0) at \($0.customerID))" }
        switch format {
        case .csv:
            print(Self.periodListing(periods, asOf: asOf).render(.csv), terminator: "")
        case .json:
            print(Self.json(shown: shown, names: names, periods: periods, asOf: asOf), terminator: "")
        case .table:
            print("DOSE RECORD  \(shown)")
            print("Wearer of: " + names.joined(separator: "; "))
            print("")
            print(Self.periodListing(periods, asOf: asOf).render(.table), terminator: "")
            print("")
            print(Self.sumsListing(DoseRecordSums.standard(periods, asOf: asOf)
                + DoseRecordSums.years(periods).filter { $0.window != .year(asOf.year) }).render(.table), terminator: "")
            print("Sums in mSv. <DL: below the detection limit, counted as 0. Assigned doses count and are marked. "
                  + "A period counts in the quarter and year it ends in; open = periods without a dose yet.")
        }
        if let out {
            try writeDocuments(out: out, store: labStore, protector: protector, wearers: wearers, periods: periods, asOf: asOf)
        }
    }

    /// The person's extract, or the termination report of `--enrolment`, to `out`.
    func writeDocuments(out: String, store labStore: any DoseRecordsStore, protector: NationalIDProtector, wearers: [Wearer],
                        periods: [DoseRecordPeriod], asOf: CalendarDay) throws {
        let report: DoseHistoryReport
        let base: String
        if termination, let number = person.enrolment {
            guard let e = try labStore.enrolment(number: number), let w = try labStore.wearer(id: e.wearerID) else {
                throw ToolError.refused("no enrolment \(number)")
            }
            guard let end = e.endDate else {
                throw ToolError.refused("enrolment \(number) has not ended (no end date): end it with tld unenrol first")
            }
            report = DoseHistoryBuilder.termination(
                enrolment: e, end: end, customerName: try labStore.customer(id: e.customerID)?.name ?? "", periods: periods,
                personName: w.name, nationalIDFirst4: shownNationalID(w, protector: protector), issued: today())
            base = "termination-\(e.number)"
        } else {
            let shownWearer = person.wearer.flatMap { id in wearers.first { $0.id?.rawValue == id } } ?? wearers[0]
            let id = shownWearer.id?.rawValue ?? 0
            report = DoseHistoryBuilder.extract(
                periods: periods, personName: shownWearer.name, nationalIDFirst4: shownNationalID(shownWearer, protector: protector),
                wearers: wearers, asOf: asOf, issued: today(),
                reportNumber: "DR-W\(id)-\(asOf.description.replacingOccurrences(of: "-", with: ""))")
            base = "dose-record-W\(id)-\(asOf)"
        }
        let written: [String]
        do {
            written = try DoseHistoryFiles(folder: try DocumentFolder(path: out)).write(report, base: base)
        } catch let error as DocumentFolderError {
            throw runFailure(error.description, exit: SysExit.cantCreate)
        }
        print("\(report.kind.title.capitalized) \(report.reportNumber) (\(report.status)). Written to \(out): " + written.joined(separator: ", "))
    }

    /// A dose as printed: "<DL" under the detection limit, empty without one.
    static func dose(_ value: Double?, _ period: DoseRecordPeriod, csv: Bool) -> String {
        guard let value else { return "" }
        if period.status == .belowDetectionLimit, let limit = period.detectionLimitMilliSievert {
            return "<" + String(format: csv ? "%.4f" : "%.2f", limit)
        }
        return String(format: csv ? "%.4f" : "%.2f", value)
    }

    static func remarks(_ p: DoseRecordPeriod) -> String {
        var out: [String] = []
        if let a = p.assignment { out.append(a.remark) }
        if p.wornOnHandover { out.append("card handed over to this person") }
        if p.status == .handedOver { out.append("worn by another person: the dose is on their record") }
        return out.joined(separator: "; ")
    }

    /// The status as printed: a card not back whose period is not over on `asOf` is "out".
    static func label(_ p: DoseRecordPeriod, asOf: CalendarDay) -> String {
        p.status == .notReturned && p.periodEnd >= asOf ? "out (period not over)" : p.status.label
    }

    static func periodListing(_ periods: [DoseRecordPeriod], asOf: CalendarDay) -> RecordListing {
        RecordListing(
            columns: ["customer", "enrolment", "type", "card", "period_start", "period_end", "hp10_msv", "hp007_msv", "status", "issue", "remarks"],
            rows: periods.map { p in
                [p.customerID, p.enrolmentNumber, p.dosimeterType.displayName, p.cardID, p.periodStart.description, p.periodEnd.description,
                 dose(p.hp10MilliSievert, p, csv: true), dose(p.hp007MilliSievert, p, csv: true), label(p, asOf: asOf),
                 "\(p.issueID.rawValue)", remarks(p)]
            })
    }

    static func mSv(_ v: Double) -> String { String(format: "%.2f", v) }

    static func sumsListing(_ sums: [DoseRecordSums.Summary]) -> RecordListing {
        var rows: [[String]] = []
        for s in sums {
            rows.append([s.window.description, "personal Hp(10)", mSv(s.personalHp10MilliSievert), "", "", "", "", "\(s.open)"])
            for type in DosimeterType.allCases {
                guard let t = s.byType[type] else { continue }
                rows.append([s.window.description, type.displayName, type == .finger ? "" : mSv(t.hp10MilliSievert), mSv(t.hp007MilliSievert),
                             "\(t.periods)", "\(t.belowDetectionLimit)", "\(t.assigned)", "\(t.open)"])
            }
        }
        return RecordListing(columns: ["sum", "of", "hp10_msv", "hp007_msv", "periods", "below_dl", "assigned", "open"], rows: rows)
    }

    struct JSONRecord: Encodable {
        struct Period: Encodable {
            var customer, enrolment, type, card, periodStart, periodEnd, status: String
            var hp10MilliSievert, hp007MilliSievert, detectionLimitMilliSievert: Double?
            var issue: Int64
            var wornOnHandover: Bool
            var assigned: String?
        }
        struct Sum: Encodable {
            var window: String
            var personalHp10MilliSievert: Double
            var byType: [String: DoseRecordSums.Totals]
        }
        var person: String
        var wearerOf: [String]
        var asOf: String
        var periods: [Period]
        var sums: [Sum]
    }

    static func jsonPeriod(_ p: DoseRecordPeriod) -> JSONRecord.Period {
        .init(customer: p.customerID, enrolment: p.enrolmentNumber, type: p.dosimeterType.rawValue, card: p.cardID,
              periodStart: p.periodStart.description, periodEnd: p.periodEnd.description, status: p.status.rawValue,
              hp10MilliSievert: p.hp10MilliSievert, hp007MilliSievert: p.hp007MilliSievert,
              detectionLimitMilliSievert: p.detectionLimitMilliSievert, issue: p.issueID.rawValue,
              wornOnHandover: p.wornOnHandover, assigned: p.assignment?.remark)
    }

    static func json(shown: String, names: [String], periods: [DoseRecordPeriod], asOf: CalendarDay) -> String {
        let record = JSONRecord(
            person: shown, wearerOf: names, asOf: asOf.description,
            periods: periods.map(jsonPeriod),
            sums: (DoseRecordSums.standard(periods, asOf: asOf) + DoseRecordSums.years(periods) + DoseRecordSums.quarters(periods)).map { s in
                .init(window: s.window.description, personalHp10MilliSievert: s.personalHp10MilliSievert,
                      byType: Dictionary(uniqueKeysWithValues: s.byType.map { ($0.key.rawValue, $0.value) }))
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(record)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }
}
