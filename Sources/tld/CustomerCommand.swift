import ArgumentParser
import Foundation
import LabStore

/// `tld customer add|list|show|change`.
struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Enter, list, show and change the lab's customers.",
        discussion: """
            A customer is a company, hospital or clinic that receives cards. The lab assigns the customer \
            number (K-1001, K-1002, …) unless --number gives one. Invoices go by e-invoice to a GLN/EAN \
            (public bodies), by e-mail or on paper.

            Examples:
              tld customer add --name "Aarhus Tandklinik" --company-id 12345678 --delivery-address "Åboulevarden 1, 8000 Aarhus C" \\
                  --contact-name "Søren Ørum" --contact-email roentgen@example.dk --invoice-channel email --invoice-address faktura@example.dk
              tld customer list --format csv
              tld customer show K-1001
              tld customer change K-1001 --invoice-reference PO-2027-113
            """,
        subcommands: [Add.self, List.self, Show.self, Change.self])

    /// The fields a user can give, all optional (add needs --name).
    struct Fields: ParsableArguments {
        @Option(help: "Name of the company, hospital or clinic.") var name: String?
        @Option(help: "Company or licence-holder ID (CVR, 8 digits).") var companyID: String?
        @Option(help: "Where the cards are sent.") var deliveryAddress: String?
        @Option(help: "Where the cards are worn, when not the delivery address.") var workplaceAddress: String?
        @Option(help: "Where paper invoices go (default: the delivery address).") var billingAddress: String?
        @Option(help: "Contact person.") var contactName: String?
        @Option(help: "Contact e-mail.") var contactEmail: String?
        @Option(help: ArgumentHelp("How invoices are sent: e-invoice, email or paper.", valueName: "channel"))
        var invoiceChannel: InvoiceChannelArgument?
        @Option(help: "The GLN/EAN (13 digits) for e-invoice, the address for email.") var invoiceAddress: String?
        @Option(help: "Invoice reference, requisition or order number.") var invoiceReference: String?

        func apply(to c: inout Customer) {
            if let name { c.name = name }
            if let companyID { c.companyID = companyID }
            if let deliveryAddress { c.deliveryAddress = deliveryAddress }
            if let workplaceAddress { c.workplaceAddress = workplaceAddress }
            if let billingAddress { c.billingAddress = billingAddress }
            if let contactName { c.contactName = contactName }
            if let contactEmail { c.contactEmail = contactEmail }
            if let invoiceChannel { c.invoiceChannel = invoiceChannel.value }
            if let invoiceAddress { c.invoiceAddress = invoiceAddress }
            if let invoiceReference { c.invoiceReference = invoiceReference }
        }
    }

    static func listing(_ customers: [Customer]) -> RecordListing {
        RecordListing(
            columns: ["number", "name", "company_id", "delivery_address", "workplace_address", "billing_address",
                      "contact_name", "contact_email", "invoice_channel", "invoice_address", "invoice_reference"],
            rows: customers.map {
                [$0.id, $0.name, $0.companyID, $0.deliveryAddress, $0.workplaceAddress, $0.billingAddress,
                 $0.contactName, $0.contactEmail, $0.invoiceChannel.rawValue, $0.invoiceAddress, $0.invoiceReference]
            })
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter a new customer (creates the lab database when there is none).")
        @Option(help: "Customer number (default: the next K-#### the lab assigns).") var number: String?
        @OptionGroup var fields: Fields
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if (fields.name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name is required.") }
        }

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose), create: true)
            var c = Customer(id: number ?? "", name: "")
            fields.apply(to: &c)
            let saved = try labStore.addCustomer(c)
            print("customer \(saved.id) \(saved.name) added.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the customers.")
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            var listing = CustomerCommand.listing(try labStore.customers())
            if format == .table { listing = RecordListing(columns: Array(listing.columns.prefix(3)) + ["contact_name", "invoice_channel"],
                                                          rows: listing.rows.map { Array($0.prefix(3)) + [$0[6], $0[8]] }) }
            print(listing.render(format), terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one customer, with counts of wearers and enrolments.")
        @Argument(help: "Customer number, e.g. K-1001.") var number: String
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard let c = try labStore.customer(id: number) else { throw ToolError.refused("no customer \(number)") }
            var listing = CustomerCommand.listing([c])
            let enrolments = try labStore.enrolments(customerID: c.id)
            let active = enrolments.filter { $0.isActive(on: today()) }.count
            listing = RecordListing(columns: listing.columns + ["wearers", "enrolments", "active_enrolments"],
                                    rows: [listing.rows[0] + ["\(try labStore.wearers(customerID: c.id).count)", "\(enrolments.count)", "\(active)"]])
            print(listing.renderRecord(format), terminator: "")
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a customer's record (only the fields given).")
        @Argument(help: "Customer number, e.g. K-1001.") var number: String
        @OptionGroup var fields: Fields
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openLabRecords(logger: makeLogger(verbose: logging.verbose))
            guard var c = try labStore.customer(id: number) else { throw ToolError.refused("no customer \(number)") }
            fields.apply(to: &c)
            let saved = try labStore.updateCustomer(c)
            print("customer \(saved.id) changed.")
        }
    }
}
