import ArgumentParser
import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow

/// `tld enrolment add|list|show|change`.
struct EnrolmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrolment",
        abstract: "Enrol wearers for a dosimeter type and period; list, show and change enrolments.",
        discussion: """
            An enrolment subscribes one wearer to one dosimeter type and period length. The lab assigns \
            its number TILM-######## (printed on packing slips). Types and periods offered: whole-body \
            1m or 3m, finger 2w or 1m, neutron 1m or 3m, shoulder 1m. Cards change on the 1st or the \
            15th (--change-day; default: 15th for 3-month cards, else 1st); 3-month periods run on a \
            quarterly cycle (--cycle-month 1 = Jan/Apr/Jul/Oct, 2 = Feb/May/Aug/Nov, 3 = Mar/Jun/Sep/Dec). \
            To end an enrolment on a customer's notice, use tld unenrol (it applies the deadline rule).

            Examples:
              tld enrolment add --wearer 3 --type whole-body --period 3m --start 2027-01-15
              tld enrolment add --wearer 4 --type finger --period 2w --start 2027-02-01 --end 2027-06-30
              tld enrolment list --customer K-1001 --format csv
              tld enrolment show TILM-00000001
              tld enrolment change TILM-00000001 --end 2027-12-31
            """,
        subcommands: [Add.self, List.self, Show.self, Change.self])

    static func listing(_ enrolments: [Enrolment], names: [Wearer.ID: String]) -> RecordListing {
        RecordListing(
            columns: ["enrolment", "customer", "wearer", "name", "type", "period", "change_day", "cycle_month",
                      "start_date", "end_date", "ordered_on", "current_period"],
            rows: enrolments.map { e in
                let current = e.isActive(on: today()) && e.startDate <= today() ? e.schedule.period(containing: today()).description : ""
                return [e.number, e.customerID, "\(e.wearerID.rawValue)", names[e.wearerID] ?? "", ImportFile.name(of: e.dosimeterType),
                        ImportFile.name(of: e.periodLength), "\(e.changeDay)", e.periodLength == .threeMonths ? "\(e.cycleMonth)" : "",
                        e.startDate.description, e.endDate?.description ?? "", e.orderedOn.description, current]
            })
    }

    static func names(_ store: any MasterDataStore) throws -> [Wearer.ID: String] {
        var names: [Wearer.ID: String] = [:]
        for w in try store.allWearers() { if let id = w.id { names[id] = w.name } }
        return names
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enrol a wearer; the lab assigns the TILM number.")
        @Option(help: "The wearer's number (see tld wearer list).") var wearer: Int64
        @Option(help: ArgumentHelp("whole-body, finger, neutron or shoulder.", valueName: "type")) var type: TypeArgument
        @Option(help: ArgumentHelp("2w, 1m or 3m.", valueName: "length")) var period: PeriodArgument
        @Option(help: "1 or 15 (default: 15 for 3m, else 1).") var changeDay: Int?
        @Option(help: "For 3m: 1, 2 or 3 (default 1: Jan/Apr/Jul/Oct).") var cycleMonth: Int?
        @Option(help: ArgumentHelp("Wanted start date, YYYY-MM-DD.", valueName: "date")) var start: CalendarDay
        @Option(help: ArgumentHelp("Last day, YYYY-MM-DD (default: open-ended).", valueName: "date")) var end: CalendarDay?
        @Option(help: ArgumentHelp("Day the order arrived (default: today).", valueName: "date")) var ordered: CalendarDay?
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard let w = try labStore.wearer(id: Wearer.ID(rawValue: wearer)) else { throw ToolError.refused("no wearer \(wearer)") }
            let e = try labStore.enrol(Enrolment(
                wearerID: Wearer.ID(rawValue: wearer), customerID: w.customerID, dosimeterType: type.value,
                periodLength: period.value, startDate: start, endDate: end, orderedOn: ordered ?? today(),
                changeDay: changeDay, cycleMonth: cycleMonth))
            let first = e.schedule.firstPeriods(startDate: e.startDate, orderedOn: e.orderedOn)
            print("\(e.number): \(w.name) (\(w.customerID)), \(ImportFile.name(of: e.dosimeterType)) \(ImportFile.name(of: e.periodLength)) from \(e.startDate)"
                  + (e.endDate.map { " to \($0)" } ?? "") + "; first period(s) \(first.map(\.description).joined(separator: ", ")).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolments.")
        @Option(help: "Only this customer's.") var customer: String?
        @Option(help: ArgumentHelp("Only those active on this day.", valueName: "date")) var activeOn: CalendarDay?
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            var list = try labStore.allEnrolments()
            if let customer {
                guard try labStore.customer(id: customer) != nil else { throw ToolError.refused("no customer \(customer)") }
                list = list.filter { $0.customerID == customer }
            }
            if let day = activeOn { list = list.filter { $0.startDate <= day && $0.isActive(on: day) } }
            print(EnrolmentCommand.listing(list, names: try EnrolmentCommand.names(labStore)).render(format), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one enrolment and its next periods.")
        @Argument(help: "Enrolment number, e.g. TILM-00000001.") var number: String
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard let e = try labStore.enrolment(number: number) else { throw ToolError.refused("no enrolment \(number)") }
            let base = EnrolmentCommand.listing([e], names: try EnrolmentCommand.names(labStore))
            var periods: [String] = []
            var p = e.schedule.period(containing: max(e.startDate, today()))
            while periods.count < 3, e.endDate.map({ p.start <= $0 }) ?? true {
                periods.append(p.description)
                p = e.schedule.next(after: p)
            }
            let listing = RecordListing(columns: base.columns + ["next_periods"], rows: [base.rows[0] + [periods.joined(separator: " ")]])
            print(listing.renderRecord(format), terminator: "")
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an enrolment's period fields or dates (a customer's notice to stop: tld unenrol).")
        @Argument(help: "Enrolment number, e.g. TILM-00000001.") var number: String
        @Option(help: ArgumentHelp("whole-body, finger, neutron or shoulder.", valueName: "type")) var type: TypeArgument?
        @Option(help: ArgumentHelp("2w, 1m or 3m.", valueName: "length")) var period: PeriodArgument?
        @Option(help: "1 or 15.") var changeDay: Int?
        @Option(help: "For 3m: 1, 2 or 3.") var cycleMonth: Int?
        @Option(help: ArgumentHelp("Start date.", valueName: "date")) var start: CalendarDay?
        @Option(help: ArgumentHelp("Last day, YYYY-MM-DD, or \"none\" for open-ended.", valueName: "date")) var end: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard var e = try labStore.enrolment(number: number) else { throw ToolError.refused("no enrolment \(number)") }
            if let type { e.dosimeterType = type.value }
            if let period { e.periodLength = period.value }
            if let changeDay { e.changeDay = changeDay }
            if let cycleMonth { e.cycleMonth = cycleMonth }
            if let start { e.startDate = start }
            if let end {
                if end == "none" { e.endDate = nil } else {
                    do { e.endDate = try CalendarDay(parsing: end) } catch { throw ValidationError("--end: \(error)") }
                }
            }
            let saved = try labStore.updateEnrolment(e)
            print("\(saved.number) changed.")
        }
    }
}

/// `tld unenrol`: a customer's notice to stop an enrolment.
struct Unenrol: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End an enrolment on the customer's notice: by TILM number and name, with the deadline rule.",
        discussion: """
            The notice needs the enrolment number and the wearer's name (a name that does not match is \
            refused, so a typo in the number cannot end someone else's enrolment) and the wanted last day \
            (--on). A card covers a whole period, so the enrolment ends at the end of the period holding \
            that day — if the notice arrived in time: 15 days before the next period starts, i.e. by the \
            15th of the previous month for cards changed on the 1st, by the 1st of the month for cards \
            changed on the 15th. A notice after that deadline still gets the next period's card, and \
            the enrolment ends with that period. The effective end date is told back.

            Example:
              tld unenrol TILM-00000007 --name "Jensen, Mette" --on 2027-02-28 --received 2027-02-20
              → received 2027-02-20, after the deadline 2027-02-15 for the period starting 2027-03-01:
                the enrolment ends 2027-03-31, one more card is sent
            """)

    @Argument(help: "Enrolment number, e.g. TILM-00000007.") var number: String
    @Option(help: "The wearer's name as the customer gave it.") var name: String
    @Option(help: ArgumentHelp("The wanted last day of monitoring, YYYY-MM-DD.", valueName: "date")) var on: CalendarDay
    @Option(help: ArgumentHelp("Day the notice arrived (default: today).", valueName: "date")) var received: CalendarDay?
    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
        let (e, decision) = try Unenrolment.apply(number: number, name: name, wantedLastDay: on,
                                                  receivedOn: received ?? today(), store: labStore)
        print("\(e.number): \(decision.message).")
        print("Termination report, once its last card is back and released: tld history --enrolment \(e.number) --termination --out DIR")
    }
}
