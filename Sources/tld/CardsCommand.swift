import ArgumentParser
import Foundation
import Instruments
import LabStore
import LabWorkflow

/// `tld cards add|list|retire`: the lab's card stock.
struct CardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cards",
        abstract: "The card stock: add new cards, list cards by state, retire a card.",
        discussion: """
            Card numbers are 8 digits, the last a Luhn check digit (the barcode on the card). New cards \
            enter the stock zeroed and available to be issued. A range FIRST-LAST adds every card \
            number between the two (both with their check digits; at most 100 000 cards at once).

            Examples:
              tld cards add --type whole-body --elements 4 --range 10000016-10000990
              tld cards add --type finger --elements 2 20000014 20000022
              tld cards list --state available --format csv
              tld cards retire 10000024 --why "cracked holder found at stock check"
            """,
        subcommands: [Add.self, List.self, Retire.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add new cards to the stock (creates the lab database when there is none).")
        @Option(help: ArgumentHelp("whole-body, finger, neutron or shoulder.", valueName: "type")) var type: TypeArgument
        @Option(help: "Pellets (elements) per card, 1-4.") var elements: Int
        @Option(help: ArgumentHelp("Every card number from FIRST to LAST, e.g. 10000016-10000990.", valueName: "FIRST-LAST"))
        var range: String?
        @Argument(help: "Card numbers.") var ids: [String] = []
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard (1...4).contains(elements) else { throw ValidationError("--elements is 1 to 4.") }
            if range == nil && ids.isEmpty { throw ValidationError("Give card numbers or --range FIRST-LAST.") }
        }

        func run() throws {
            var numbers: [CardID] = []
            for id in ids {
                if let problem = CardID.validate(id) { throw ToolError.refused("card \(id): \(problem)") }
                if let card = CardID(id) { numbers.append(card) }
            }
            if let range { numbers += try Self.expand(range) }
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose), create: true)
            let before = Set(try labStore.allCards().map(\.id))
            let new = numbers.filter { !before.contains($0.rawValue) }
            let known = numbers.count - new.count
            try labStore.addCards(new.map { Card(id: $0.rawValue, dosimeterType: type.value, elementCount: elements, stateChangedAt: Date()) })
            print("\(new.count) \(ImportFile.name(of: type.value)) card(s) with \(elements) element(s) added to the stock"
                  + (known > 0 ? "; \(known) already known, left as they are." : "."))
        }

        /// The card numbers FIRST…LAST: every 7-digit payload between theirs, with its check digit.
        static func expand(_ range: String) throws -> [CardID] {
            let ends = range.split(separator: "-").map(String.init)
            guard ends.count == 2 else { throw ValidationError("--range is FIRST-LAST, e.g. 10000016-10000990.") }
            for end in ends { if let problem = CardID.validate(end) { throw ToolError.refused("card \(end): \(problem)") } }
            guard let first = Int(ends[0].prefix(7)), let last = Int(ends[1].prefix(7)), first <= last else {
                throw ToolError.refused("--range \(range): the first card number is after the last")
            }
            guard last - first < 100_000 else { throw ToolError.refused("--range \(range): more than 100 000 cards at once") }
            return (first...last).compactMap { payload in
                let digits = String(payload)
                return CardID.make(payload: String(repeating: "0", count: 7 - digits.count) + digits)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cards, all or in one state, with a count per type and state.")
        @Option(help: ArgumentHelp("Only cards in this state: \(CardState.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "state"))
        var state: CardStateArgument?
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            let cards = try state.map { try labStore.cards(state: $0.value) } ?? labStore.allCards()
            let listing = RecordListing(
                columns: ["card", "type", "elements", "state", "since"],
                rows: cards.map { [$0.id, ImportFile.name(of: $0.dosimeterType), "\($0.elementCount)", $0.state.rawValue,
                                   ISO8601DateFormatter().string(from: $0.stateChangedAt)] })
            print(listing.render(format), terminator: "")
            if format == .table {
                var counts: [String: Int] = [:]
                for c in cards { counts["\(ImportFile.name(of: c.dosimeterType)) \(c.state.rawValue)", default: 0] += 1 }
                print(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a card out of service for good, with the reason.",
            discussion: """
                A card in stock (available), returned, released or zeroed can be retired; a card out with \
                a customer or between readout and release cannot (its dose comes first).
                """)
        @Argument(help: "Card number.") var id: String
        @Option(help: "Why (kept with the card).") var why: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            let r = try labStore.retireCard(id: id, why: why)
            print("card \(r.cardID) retired (was \(r.fromState.rawValue)): \(r.why)")
        }
    }
}
