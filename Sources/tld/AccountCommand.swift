import ArgumentParser
import Foundation
import LabStore
import Portal

extension PortalRole: ExpressibleByArgument {}

/// `tld account add|list|disable|enable`: sign-in accounts of the customer portal (`tld serve`).
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Add, list, disable and enable sign-in accounts of the customer portal (tld serve).",
        discussion: """
            A customer account belongs to one customer (--customer K-1001) and sees and changes only \
            that customer's data; a lab account (--role lab) processes the submitted changes. Only a \
            bcrypt hash (cost 12) of the password is stored. A wearer account (--wearer N, the wearer \
            number of tld wearer list) is one person's: it shows only their own dose record at that \
            customer, and only once the customer's contact has granted it in the portal (/access). Without --password-stdin a random password \
            is made and printed once. Accounts are never deleted (the audit trail names them): disable \
            them.

            On a SQLite file or a PostgreSQL database (--database postgres://…), as tld serve.

            Examples:
              tld account add --user mette --customer K-1001
              tld account add --user hans --wearer 7
              echo 'a long secret' | tld account add --user lab1 --role lab --password-stdin
              tld account list
              tld account disable mette
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; prints a new random password unless --password-stdin.")
        @Option(help: "The user name to sign in with.") var user: String
        @Option(help: "customer (default) or lab; --wearer makes a wearer account.") var role: PortalRole = .customer
        @Option(help: "The customer number, e.g. K-1001 (customer accounts only).") var customer: String?
        @Option(help: "The wearer number of the person (a wearer account: their own dose record only).") var wearer: Int64?
        @Option(help: "The person's name, shown in the audit trail.") var name: String = ""
        @Flag(help: "Read the password from the first line of standard input (at least 10 characters).") var passwordStdin = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if role == .wearer && wearer == nil { throw ValidationError("a wearer account needs --wearer N") }
            if wearer != nil && (role == .lab || customer != nil) {
                throw ValidationError("--wearer makes a wearer account of the wearer's customer: leave out --role lab and --customer")
            }
            if role == .customer && customer == nil && wearer == nil { throw ValidationError("a customer account needs --customer") }
            if role == .lab && customer != nil { throw ValidationError("a lab account belongs to no customer: leave out --customer") }
        }

        func run() throws {
            let labStore = try store.openPortal(logger: makeLogger(verbose: logging.verbose))
            let password: String
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), line.count >= 10 else {
                    throw ToolError.refused("the password on standard input must have at least 10 characters")
                }
                password = line
            } else {
                var generator = SystemRandomNumberGenerator()
                let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                password = String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
            }
            if let customer, try labStore.customer(id: customer) == nil { throw ToolError.refused("no customer \(customer)") }
            var owner = customer
            if let wearer {
                guard let person = try labStore.wearer(id: Wearer.ID(rawValue: wearer)) else { throw ToolError.refused("no wearer \(wearer)") }
                owner = person.customerID
            }
            let account = try labStore.addAccount(PortalAccount(
                userName: user, passwordHash: PortalPassword.hash(password), role: wearer == nil ? role : .wearer, customerID: owner,
                displayName: name, wearerID: wearer))
            print("account \(account.userName) (\(account.role.rawValue)\(account.customerID.map { " of \($0)" } ?? "")"
                  + (account.wearerID.map { ", wearer \($0): no access until the customer grants it" } ?? "") + ") added.")
            if !passwordStdin { print("password: \(password)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the portal's accounts.")
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openPortal(logger: makeLogger(verbose: logging.verbose))
            let listing = RecordListing(
                columns: ["user", "role", "customer", "name", "disabled", "created", "wearer", "access"],
                rows: try labStore.accounts().map {
                    [$0.userName, $0.role.rawValue, $0.customerID ?? "", $0.displayName, $0.disabled ? "yes" : "no",
                     ISO8601DateFormatter().string(from: $0.createdAt), $0.wearerID.map(String.init) ?? "",
                     $0.role == .wearer ? ($0.accessGranted ? "granted" : "not granted") : ""]
                })
            print(listing.render(format), terminator: "")
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it can no longer sign in (its sessions end at the next request).")
        @Argument(help: "The user name.") var user: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openPortal(logger: makeLogger(verbose: logging.verbose))
            guard try labStore.account(userName: user) != nil else { throw ToolError.refused("no account \(user)") }
            let account = try labStore.setAccountDisabled(userName: user, disabled: true)
            print("account \(account.userName) disabled.")
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument(help: "The user name.") var user: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openPortal(logger: makeLogger(verbose: logging.verbose))
            guard try labStore.account(userName: user) != nil else { throw ToolError.refused("no account \(user)") }
            let account = try labStore.setAccountDisabled(userName: user, disabled: false)
            print("account \(account.userName) enabled.")
        }
    }
}
