import ArgumentParser
import Foundation
import LabReports
import LabStore
import LabWorkflow

/// `tld wearer add|list|show|change`.
struct WearerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wearer",
        abstract: "Enter, list, show and change the people who wear dosimeters.",
        discussion: """
            A wearer belongs to one customer and is known by name and national ID (Danish CPR, \
            DDMMYY-SSSS). The ID is stored only sealed (AES-256-GCM, see --key-file) with a keyed hash \
            to find the person again; it is shown as its first 4 digits and never printed in full. The \
            birth date is derived from the CPR number (day, month, year, and the century from the 7th \
            digit). Give --national-id - to type the ID on standard input instead of the command line.

            Examples:
              tld wearer add --customer K-1001 --name "Jensen, Mette" --national-id 010180-1234
              tld wearer list --customer K-1001
              tld wearer show 3 --format json
              tld wearer change 3 --name "Jensen-Holm, Mette"
            """,
        subcommands: [Add.self, List.self, Show.self, Change.self])

    static func listing(_ wearers: [Wearer], protector: NationalIDProtector) -> RecordListing {
        RecordListing(
            columns: ["wearer", "customer", "name", "national_id", "birth_date"],
            rows: wearers.map {
                ["\($0.id?.rawValue ?? 0)", $0.customerID, $0.name, shownNationalID($0, protector: protector),
                 $0.birthDate?.description ?? ""]
            })
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enter a new wearer of a customer.")
        @Option(help: "Customer number, e.g. K-1001.") var customer: String
        @Option(help: "The person's name, e.g. \"Jensen, Mette\".") var name: String
        @Option(help: ArgumentHelp("National ID (CPR) DDMMYY-SSSS, or - to read it from standard input.", valueName: "id"))
        var nationalID: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            let protector = try key.protector(store: labStore, database: store.path)
            let digits = try NationalIDProtector.digits(of: try readNationalID(nationalID))
            let w = try labStore.addWearer(customerID: customer, name: name, nationalID: try protector.protect(digits),
                                           birthDate: NationalIDBirthDate.birthDate(cprDigits: digits))
            print("wearer \(w.id?.rawValue ?? 0) \(w.name) of \(w.customerID) added (national ID \(shownNationalID(w, protector: protector))"
                  + (w.birthDate.map { ", born \($0)" } ?? ", no birth date in the ID") + ").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the wearers (of one customer, or all).",
            discussion: "On PostgreSQL (--database postgres://…) the key is named with --key-file or $TLD_NATIONAL_ID_KEY.")
        @Option(help: "Only this customer's wearers.") var customer: String?
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let protector: NationalIDProtector
            let wearers: [Wearer]
            if let customer {
                // A customer's wearers: the lab records role, on SQLite or PostgreSQL.
                let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
                protector = try key.protector(store: labStore, database: store.path)
                guard try labStore.customer(id: customer) != nil else { throw ToolError.refused("no customer \(customer)") }
                wearers = try labStore.wearers(customerID: customer)
            } else {
                // Every wearer: the master-data role, on SQLite or PostgreSQL.
                let labStore = try store.openMasterData(logger: makeLogger(verbose: logging.verbose), create: false)
                protector = try key.protector(store: labStore, database: store.path)
                wearers = try labStore.allWearers()
            }
            // Danish alphabetical order of the names (Æ, Ø, Å after Z; "Aa" as Å), then by customer and number.
            let sorted = wearers.map { (DanishCollation.key($0.name), $0) }.sorted { a, b in
                if a.0 != b.0 { return a.0 < b.0 }
                return (a.1.customerID, a.1.id?.rawValue ?? 0) < (b.1.customerID, b.1.id?.rawValue ?? 0)
            }.map(\.1)
            print(WearerCommand.listing(sorted, protector: protector).render(format), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one wearer and their enrolments.")
        @Argument(help: "The wearer's number (see tld wearer list).") var wearer: Int64
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            let protector = try key.protector(store: labStore, database: store.path)
            guard let w = try labStore.wearer(id: Wearer.ID(rawValue: wearer)) else { throw ToolError.refused("no wearer \(wearer)") }
            let numbers = try labStore.enrolments(customerID: w.customerID).filter { $0.wearerID == w.id }.map(\.number)
            let base = WearerCommand.listing([w], protector: protector)
            let listing = RecordListing(columns: base.columns + ["enrolments"],
                                        rows: [base.rows[0] + [numbers.joined(separator: " ")]])
            print(listing.renderRecord(format), terminator: "")
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a wearer's name or national ID.")
        @Argument(help: "The wearer's number.") var wearer: Int64
        @Option(help: "New name.") var name: String?
        @Option(help: ArgumentHelp("Corrected national ID, or - to read it from standard input.", valueName: "id"))
        var nationalID: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if name == nil && nationalID == nil { throw ValidationError("Give --name and/or --national-id.") }
        }

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard var w = try labStore.wearer(id: Wearer.ID(rawValue: wearer)) else { throw ToolError.refused("no wearer \(wearer)") }
            if let name { w.name = name }
            if let nationalID {
                let protector = try key.protector(store: labStore, database: store.path)
                let digits = try NationalIDProtector.digits(of: try readNationalID(nationalID))
                let sealed = try protector.protect(digits)
                w.nationalIDSealed = sealed.sealed
                w.nationalIDLookup = sealed.lookup
                w.birthDate = NationalIDBirthDate.birthDate(cprDigits: digits)
            }
            let saved = try labStore.updateWearer(w)
            print("wearer \(saved.id?.rawValue ?? 0) changed.")
        }
    }
}
