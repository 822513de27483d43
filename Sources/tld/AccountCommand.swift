import ArgumentParser
import Foundation
import Portal
import LabStore

extension PortalRole: ExpressibleByArgument {}

/// `tld account add|list|disable|enable`: sign-in accounts of the customer portal (`tld serve`).
struct AccountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Add, list, disable and enable sign-in accounts of the customer portal (tld serve).",
        discussion: """
            A customer account belongs to one customer (--customer K-1001) and sees and changes only \
            that customer's data; a lab account (--role lab) processes the submitted changes. Only a \
            bcrypt hash (cost 12) of the password is stored. Without --password-stdin a random password \
            is made and printed once. Accounts are never deleted (the audit trail names them): disable \
            them.

            Examples:
              tld account add --user mette --customer K-1001
              echo 'a long secret' | tld account add --user lab1 --role lab --password-stdin
              tld account list
              tld account disable mette
            """,
        subcommands: [Add.self, List.self, Disable.self, Enable.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account; prints a new random password unless --password-stdin.")
        @Option(help: "The user name to sign in with.") var user: String
        @Option(help: "customer (default) or lab.") var role: PortalRole = .customer
        @Option(help: "The customer number, e.g. K-1001 (customer accounts only).") var customer: String?
        @Option(help: "The person's name, shown in the audit trail.") var name: String = ""
        @Flag(help: "Read the password from the first line of standard input (at least 10 characters).") var passwordStdin = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if role == .customer && customer == nil { throw ValidationError("a customer account needs --customer") }
            if role == .lab && customer != nil { throw ValidationError("a lab account belongs to no customer: leave out --customer") }
        }

        func run() throws {
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
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
            let account = try labStore.addAccount(PortalAccount(
                userName: user, passwordHash: PortalPassword.hash(password), role: role, customerID: customer, displayName: name))
            print("account \(account.userName) (\(account.role.rawValue)\(account.customerID.map { " of \($0)" } ?? "")) added.")
            if !passwordStdin { print("password: \(password)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the portal's accounts.")
        @Option(help: "table, csv or json.") var format: ListFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            let listing = RecordListing(
                columns: ["user", "role", "customer", "name", "disabled", "created"],
                rows: try labStore.accounts().map {
                    [$0.userName, $0.role.rawValue, $0.customerID ?? "", $0.displayName, $0.disabled ? "yes" : "no",
                     ISO8601DateFormatter().string(from: $0.createdAt)]
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
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
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
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            guard try labStore.account(userName: user) != nil else { throw ToolError.refused("no account \(user)") }
            let account = try labStore.setAccountDisabled(userName: user, disabled: false)
            print("account \(account.userName) enabled.")
        }
    }
}
