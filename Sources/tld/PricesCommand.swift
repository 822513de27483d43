import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "The price lists: card prices and compensation amounts, each with a valid-from date.",
        discussion: """
            A card is charged at the price in force on its dispatch day; a compensation (a card not \
            returned three months after its period, or damaged by the customer) at the amount in force \
            on the card's last on-time return date. Amounts are in DKK excluding VAT, with øre. Runs on a \
            SQLite file or on PostgreSQL (--database postgres://…).

            Examples:
              tld prices set --type whole-body --from 2027-01-01 --card 125.00 --compensation 450.00
              tld prices set --type finger --from 2027-01-01 --card 99,50
              tld prices list --format csv
            """,
        subcommands: [SetPrices.self, ListPrices.self])

    struct SetPrices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the card price and/or the compensation amount of a type from a date on.",
            discussion: "Setting the same type and date again replaces that entry; earlier and later entries stay.")

        @Option(help: ArgumentHelp("Dosimeter type: whole-body, finger, neutron or shoulder.", valueName: "type"))
        var type: DosimeterTypeArgument

        @Option(help: ArgumentHelp("First day the amounts apply, YYYY-MM-DD.", valueName: "date"))
        var from: CalendarDay

        @Option(help: ArgumentHelp("Price per card sent, DKK excl. VAT (e.g. 125.00).", valueName: "amount"))
        var card: String?

        @Option(help: ArgumentHelp("Compensation per card not returned or damaged, DKK excl. VAT.", valueName: "amount"))
        var compensation: String?

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard card != nil || compensation != nil else { throw ValidationError("give --card, --compensation or both") }
            for (flag, text) in [("--card", card), ("--compensation", compensation)] {
                guard let text else { continue }
                do { _ = try MoneyAmount.minorUnits(parsing: text) } catch { throw ValidationError("\(flag): \(error.description)") }
            }
        }

        func run() throws {
            try reportingFailures {
                let labStore = try store.openDispatch(logger: makeLogger(verbose: logging.verbose))
                if let card {
                    let amount = try MoneyAmount.minorUnits(parsing: card)
                    try labStore.savePrice(CardPrice(dosimeterType: type.type, validFrom: from, priceMinorUnits: amount))
                    print("\(type.rawValue) card price from \(from): \(ReportFormatting.money(minorUnits: amount)) DKK excl. VAT")
                }
                if let compensation {
                    let amount = try MoneyAmount.minorUnits(parsing: compensation)
                    try labStore.saveCompensationPrice(CompensationPrice(dosimeterType: type.type, validFrom: from, amountMinorUnits: amount))
                    print("\(type.rawValue) compensation from \(from): \(ReportFormatting.money(minorUnits: amount)) DKK excl. VAT")
                }
            }
        }
    }

    struct ListPrices: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the price lists, by type and date.")

        @Option(help: "table, csv or json.")
        var format: ListingFormat = .table

        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        struct Entry: Codable {
            var type: String
            var kind: String
            var validFrom: String
            var amount: String
            var currency: String
        }

        func run() throws {
            try reportingFailures {
                let labStore = try store.openDispatch(logger: makeLogger(verbose: logging.verbose))
                let entries = try labStore.cardPrices().map {
                    Entry(type: DispatchDocuments.typeCode($0.dosimeterType), kind: "card", validFrom: $0.validFrom.description,
                          amount: ReportFormatting.money(minorUnits: $0.priceMinorUnits), currency: $0.currency)
                } + labStore.compensationPrices().map {
                    Entry(type: DispatchDocuments.typeCode($0.dosimeterType), kind: "compensation", validFrom: $0.validFrom.description,
                          amount: ReportFormatting.money(minorUnits: $0.amountMinorUnits), currency: $0.currency)
                }
                let sorted = entries.sorted { ($0.type, $0.kind, $0.validFrom) < ($1.type, $1.kind, $1.validFrom) }
                switch format {
                case .table:
                    print(sorted.isEmpty ? "No prices set: tld prices set --type … --from … --card …"
                          : ReportFormatting.textTable(["type", "kind", "valid from", "amount", "currency"],
                                                       sorted.map { [$0.type, $0.kind, $0.validFrom, $0.amount, $0.currency] }, rightAligned: [3]),
                          terminator: sorted.isEmpty ? "\n" : "")
                case .csv:
                    print((["type,kind,valid_from,amount,currency"] + sorted.map { "\($0.type),\($0.kind),\($0.validFrom),\($0.amount),\($0.currency)" })
                        .joined(separator: "\r\n"), terminator: "\r\n")
                case .json:
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(sorted), as: UTF8.self))
                }
            }
        }
    }
}
