import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct DispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Send the next period's cards: allocate from stock, write packing slips and label sheets.",
        discussion: """
            For every active enrolment the card of its next period is taken from stock (only cards that \
            are zeroed and inspected: state available) and sent --lead-days working days before the \
            period starts (weekends and Danish public holidays skipped), never before the customer's \
            last day to unsubscribe from that period. A new enrolment gets its first card at once (due \
            within 5 working days of the order); when its first period's usable time is cut short (a \
            1-month card to 14 days, a 3-month card to a month) the next period's card goes with it. A \
            period already over is never sent; an enrolment's end date is honoured.

            One shipment per customer, each written whole (several customers' in one transaction): run it again on the same day and nothing \
            is sent twice; kill it and the rerun finishes the day. For every shipment of the day it \
            writes to --out: packing-slip-CUSTOMER-DATE-SHIPMENT.{txt,html,pdf,csv} (one table per \
            dosimeter type, rows in Danish alphabetical order, return deadlines, count and price per \
            type, total excluding VAT) and labels-CUSTOMER-DATE-SHIPMENT.pdf (A4, 3 × 8 labels for the \
            cards' foils). Each file is written whole or not at all; a shipment's documents already \
            there whole are kept (a shipment never changes), so a rerun writes only what is missing. It then lists new enrolments at risk of missing their 5-day deadline, periods \
            missed, and a stock forecast: cards needed in the next --forecast-days days against the cards \
            in stock, per type.

            Runs on a SQLite file or on PostgreSQL (--database postgres://…, the national-ID key named with \
            --key-file or $TLD_NATIONAL_ID_KEY), with the same shipments and documents; two desks \
            dispatching at once never send a card or a period twice.

            Examples:
              tld dispatch --on 2027-03-22 --out dispatch/
              tld dispatch --on 2027-03-22 --out dispatch/ --lead-days 7 --forecast-days 45
            """)

    @Option(help: ArgumentHelp("Dispatch day, YYYY-MM-DD (default: today).", valueName: "date"))
    var on: CalendarDay?

    @Option(help: ArgumentHelp("Folder for the packing slips and label sheets.", valueName: "dir"))
    var out: String = "dispatch"

    @Option(help: ArgumentHelp("Working days before a period starts that its card is sent.", valueName: "n"))
    var leadDays: Int = 5

    @Option(help: ArgumentHelp("Days ahead the stock forecast looks.", valueName: "n"))
    var forecastDays: Int = 30

    @Flag(help: "Send a new enrolment's first card free of charge when its usable time is cut short (marked \"free\" on the slip; by default every card sent is charged, as the Danish service guide says).")
    var freeShortFirstCard = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var key: NationalIDKeyOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard (0...60).contains(leadDays) else { throw ValidationError("--lead-days must be 0…60 working days, not \(leadDays)") }
        guard (0...366).contains(forecastDays) else { throw ValidationError("--forecast-days must be 0…366, not \(forecastDays)") }
    }

    func run() throws {
        try reportingFailures {
            let logger = makeLogger(verbose: logging.verbose)
            let labStore = try store.openDispatch(logger: logger)
            let protector = try key.protector(store: labStore, database: store.path)
            let day = on ?? today()
            let policy = DispatchPolicy(leadWorkingDays: leadDays, forecastDays: forecastDays, freeShortFirstCard: freeShortFirstCard)
            let report: DispatchRun.Report
            do {
                report = try DispatchRun(store: labStore, policy: policy, logger: logger).run(on: day)
            } catch LabStoreError.cardInWrongState(let cardID, .issued, "be issued") {
                // The plan read card X in stock, and it was issued before this run's transaction
                // locked it: another desk dispatched at the same time (its transaction went first).
                throw CycleFailure(
                    "card \(cardID) was sent by another desk while this run planned; this run's last shipments were not made "
                        + "(those before them are stored): run tld dispatch --on \(day) again to finish the day", code: CycleFailure.temporary)
            }
            // The documents of every shipment of the day: a rerun after a kill writes those it missed
            // and keeps those already there whole.
            let folder = try DocumentFolder(path: out)
            let files = try DispatchDocumentFiles(store: labStore, protector: protector, folder: folder).write(day: day)
            let todays = files.shipments
            print(Self.summary(report, shipmentsOfDay: todays, out: out), terminator: "")
        }
    }

    static func summary(_ r: DispatchRun.Report, shipmentsOfDay: Int, out: String) -> String {
        var s = "Dispatch \(r.day): \(r.sent.count) card\(r.sent.count == 1 ? "" : "s") in \(r.shipments.count) new shipment\(r.shipments.count == 1 ? "" : "s")"
        s += r.shipments.count == shipmentsOfDay ? "\n" : " (\(shipmentsOfDay - r.shipments.count) sent earlier today)\n"
        let byCustomer = Dictionary(grouping: r.sent, by: \.customerID)
        for customer in byCustomer.keys.sorted() {
            let cards = byCustomer[customer] ?? []
            let types = Dictionary(grouping: cards, by: \.dosimeterType).map { "\($0.value.count) \($0.key.displayName)" }.sorted()
            s += "  \(customer): \(cards.count) card\(cards.count == 1 ? "" : "s") (\(types.joined(separator: ", ")))"
            let free = cards.filter(\.free).count
            s += free > 0 ? ", \(free) free\n" : "\n"
        }
        for c in r.sent where c.late {
            s += "LATE: \(c.enrolmentNumber) (\(c.customerID)) card \(c.cardID) for \(c.period) sent after the period began\n"
        }
        for u in r.unsent {
            s += "NOT SENT: \(u.enrolmentNumber) (\(u.customerID)) \(u.period): no \(u.dosimeterType.displayName) card in stock\n"
        }
        for m in r.missed {
            s += "MISSED: \(m.enrolmentNumber) (\(m.customerID)) period \(m.period) is over and was never sent\n"
        }
        if !r.atRisk.isEmpty {
            s += "New enrolments at risk of missing the 5-working-day deadline:\n"
            for a in r.atRisk {
                let when = a.workingDaysLeft >= 0 ? "\(a.workingDaysLeft) working days left" : "\(-a.workingDaysLeft) working days past it"
                s += "  AT RISK: \(a.enrolmentNumber) (\(a.customerID)) ordered \(a.orderedOn), deadline \(a.deadline) (\(when)): \(a.reason)\n"
            }
        }
        if !r.forecast.isEmpty {
            s += "Stock forecast to \(r.horizon):\n"
            for f in r.forecast {
                s += "  \(f.dosimeterType.displayName): \(f.needed) needed, \(f.available) in stock, \(f.inCycle) in the cycle"
                if let short = f.firstShortDay {
                    s += " — SHORTAGE: short by \(f.shortBy) from \(short)\n"
                } else {
                    s += "\n"
                }
            }
        }
        if shipmentsOfDay > 0 { s += "Packing slips and label sheets in \(out)\n" }
        return s
    }
}
