import Foundation
import TestSupport
import Testing

/// End to end: `tld account` and the start-up checks of `tld serve`, on the real binary from an
/// empty directory (the portal itself: PortalTests and Tests/browser/portal_flow.py).
@Suite("tld account add|list|disable|enable; tld serve start-up errors", .serialized)
struct AccountEndToEndTests {
    static let key = ["TLD_NATIONAL_ID_KEY": Data(repeating: 0x42, count: 32).base64EncodedString()]

    @Test("accounts from the command line: a printed random password, refusals with exit codes, disable")
    func accounts() async throws {
        let dir = try TemporaryDirectory("tld-account")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        func run(_ args: [String]) async throws -> ProductRunner.Result {
            try await tld.run(args, in: dir.url, environment: Self.key)
        }
        let missing = try await run(["account", "list"])
        #expect(missing.status == 66)
        #expect(try await run(["customer", "add", "--name", "Klinik Øst", "--delivery-address", "Vej 1, 2100 København Ø"]).status == 0)

        let added = try await run(["account", "add", "--user", "demo", "--customer", "K-1001"])
        #expect(added.status == 0, "\(added.stderr)")
        let password = added.stdout.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst("password: ".count)
        #expect(password?.count == 16)

        let taken = try await run(["account", "add", "--user", "DEMO", "--customer", "K-1001"])
        #expect(taken.status == 65 && taken.stderr.contains("taken"), "\(taken.stderr)")
        let noCustomer = try await run(["account", "add", "--user", "x", "--customer", "K-9999"])
        #expect(noCustomer.status == 65 && noCustomer.stderr.contains("no customer K-9999"), "\(noCustomer.stderr)")
        let noCustomerGiven = try await run(["account", "add", "--user", "y"])
        #expect(noCustomerGiven.status == 64)
        let labWithCustomer = try await run(["account", "add", "--user", "z", "--role", "lab", "--customer", "K-1001"])
        #expect(labWithCustomer.status == 64)
        #expect(try await run(["account", "add", "--user", "lab1", "--role", "lab"]).status == 0)
        #expect(try await run(["wearer", "add", "--customer", "K-1001", "--name", "Jensen, Mette", "--national-id", "010180-1234"]).status == 0)
        // A wearer account: of the wearer's customer, without access until the customer grants it.
        let wearer = try await run(["account", "add", "--user", "hans", "--wearer", "1"])
        #expect(wearer.status == 0 && wearer.stdout.contains("wearer 1: no access until the customer grants it"), "\(wearer.stdout)")
        let noWearer = try await run(["account", "add", "--user", "w2", "--wearer", "99999"])
        #expect(noWearer.status == 65 && noWearer.stderr.contains("no wearer 99999"), "\(noWearer.stderr)")
        #expect(try await run(["account", "add", "--user", "w3", "--wearer", "1", "--role", "lab"]).status == 64)

        #expect(try await run(["account", "disable", "demo"]).status == 0)
        let list = try await run(["account", "list", "--format", "csv"])
        let rows = list.stdout.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let demo = try #require(rows.first { $0.first == "demo" })
        #expect(demo[1] == "customer" && demo[2] == "K-1001" && demo[4] == "yes")
        let lab = try #require(rows.first { $0.first == "lab1" })
        #expect(lab[1] == "lab" && lab[2] == "" && lab[4] == "no")
        let hans = try #require(rows.first { $0.first == "hans" })
        #expect(hans[1] == "wearer" && hans[2] == "K-1001" && hans[6] == "1" && hans[7] == "not granted")
        #expect(!list.stdout.contains(String(password ?? "")))
        #expect(try await run(["account", "enable", "demo"]).status == 0)
        let unknown = try await run(["account", "disable", "nobody"])
        #expect(unknown.status == 65 && unknown.stderr.contains("no account nobody"))
    }

    @Test("tld serve refuses half a TLS pair (64) and unreadable files (66) before listening")
    func serveStartUp() async throws {
        let dir = try TemporaryDirectory("tld-serve")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        #expect(try await tld.run(["customer", "add", "--name", "Klinik", "--delivery-address", "Vej 2, 8000 Aarhus C"], in: dir.url, environment: Self.key).status == 0)
        let half = try await tld.run(["serve", "--port", "0", "--tls-cert", "x.crt"], in: dir.url, environment: Self.key)
        #expect(half.status == 64)
        let missing = try await tld.run(["serve", "--port", "0", "--tls-cert", "x.crt", "--tls-key", "x.key"], in: dir.url,
                                        environment: Self.key)
        #expect(missing.status == 66 && missing.stderr.contains("cannot read x.crt"), "\(missing.stderr)")
    }
}
