import Foundation
import TestSupport
import Testing

/// `tld account` and `tld serve` on a SQLite file and on PostgreSQL (issue 16): the account commands
/// answer alike on both backends, and the real `tld serve` on each lets a customer sign in and see
/// their overview (curl against a free loopback port).
@Suite("tld account and tld serve on SQLite and PostgreSQL, end to end", .serialized)
struct PortalBackendsEndToEndTests {
    static let keyBase64 = Data(repeating: 0x42, count: 32).base64EncodedString()

    /// The account commands' outputs in order (status, stdout, stderr), passwords and times left out.
    func accounts(database: String, in dir: TemporaryDirectory) async throws -> (outputs: [String], password: String) {
        let tld = try ProductRunner(product: "tld")
        var outputs: [String] = []
        var password = ""
        func step(_ arguments: [String], status: Int32 = 0) async throws {
            let r = try await tld.run(arguments + ["--database", database], in: dir.url, environment: ["TLD_NATIONAL_ID_KEY": Self.keyBase64])
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")): \(r.stderr)")
            if let line = r.stdout.split(separator: "\n").first(where: { $0.hasPrefix("password: ") }), password.isEmpty {
                password = String(line.dropFirst("password: ".count))
            }
            let stdout = r.stdout.replacingOccurrences(of: #"password: \S+"#, with: "password: …", options: .regularExpression)
                .replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
            outputs.append("\(r.status)\n\(stdout)\n\(r.stderr.replacingOccurrences(of: database, with: "DATABASE"))")
        }
        try await step(["customer", "add", "--name", "Klinik Øst", "--delivery-address", "Vej 1, 2100 København Ø"])
        try await step(["account", "add", "--user", "demo", "--customer", "K-1001"])
        try await step(["account", "add", "--user", "DEMO", "--customer", "K-1001"], status: 65)
        try await step(["account", "add", "--user", "x", "--customer", "K-9999"], status: 65)
        try await step(["account", "add", "--user", "lab1", "--role", "lab"])
        try await step(["account", "disable", "lab1"])
        try await step(["account", "list", "--format", "csv"])
        try await step(["account", "enable", "lab1"])
        try await step(["account", "disable", "nobody"], status: 65)
        return (outputs, password)
    }

    /// Starts `tld serve --port 0` on `database`, signs in as `demo` with curl once it listens, and
    /// returns the overview page's HTML (then the server is stopped).
    func overviewThroughServe(database: String, password: String, in dir: TemporaryDirectory) async throws -> String {
        let tld = try ProductRunner(product: "tld")
        let keyFile = dir.url.appendingPathComponent("lab.key")
        try Data(Self.keyBase64.utf8).write(to: keyFile)
        let page = Box()
        // A directory of its own: the only stdout file in it is this server's.
        let directory = dir.url.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (result, reached) = try await tld.run(
            ["serve", "--port", "0", "--database", database, "--key-file", keyFile.path, "--on", "2027-01-20"], in: directory,
            killWhen: {
                // The port the server printed (its stdout file in the test's own directory).
                let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
                guard let port = files.filter({ $0.lastPathComponent.hasPrefix("stdout-") })
                    .compactMap({ try? String(contentsOf: $0, encoding: .utf8) })
                    .compactMap({ $0.firstMatch(of: /portal listening on http:\/\/127\.0\.0\.1:(\d+)/).map { String($0.1) } }).first
                else { return false }
                let script = """
                    set -e; jar=$(mktemp); base=http://127.0.0.1:\(port)
                    csrf=$(curl -sf -c "$jar" "$base/signin" | sed -n 's/.*name="csrf" value="\\([^"]*\\)".*/\\1/p' | head -n 1)
                    curl -sf -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode userName=demo \
                        --data-urlencode "password=\(password)" "$base/signin"
                    curl -sf -b "$jar" "$base/overview?lang=en"; rm -f "$jar"
                    """
                let outcome = try await ChildProcess.run(["/bin/sh", "-c", script])
                page.value = "\(outcome.status)\n\(outcome.output)"
                return outcome.status != 7  // 7: not listening yet, try again
            }, delay: .zero)
        #expect(reached, "tld serve did not start: \(result.stderr)")
        #expect(result.stdout.contains("portal listening on http://127.0.0.1:"), "\(result.stdout)")
        return page.value
    }

    @Test("on PostgreSQL tld account answers as on a SQLite file, and tld serve signs a customer in to the overview",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let dir = try TemporaryDirectory("tld-portal-backends")
        defer { dir.cleanup() }
        let sqlite = try await accounts(database: "lab.sqlite", in: dir)
        let lab = try await PostgresTestLab.create()
        let postgres = try await accounts(database: lab.url, in: dir)
        #expect(postgres.outputs == sqlite.outputs)
        #expect(sqlite.outputs[2].contains("the user name DEMO is taken"), "\(sqlite.outputs[2])")
        #expect(sqlite.outputs[3].contains("no customer K-9999"), "\(sqlite.outputs[3])")
        #expect(sqlite.outputs[6].contains("demo,customer,K-1001") && sqlite.outputs[6].contains("lab1,lab,,"), "\(sqlite.outputs[6])")
        #expect(try await lab.int("SELECT count(*) FROM portalAccount") == 2)
        #expect(try await lab.int("SELECT count(*) FROM portalAudit WHERE action = 'account disabled'") == 1)

        for (database, password) in [(dir.path("lab.sqlite"), sqlite.password), (lab.url, postgres.password)] {
            let overview = try await overviewThroughServe(database: database, password: password, in: dir)
            #expect(overview.hasPrefix("0\n"), "\(database): \(overview.prefix(300))")
            #expect(overview.contains("Overview – K-1001"), "\(database): \(overview.prefix(600))")
        }
        // The sign-in was recorded, and the session kept, in PostgreSQL.
        #expect(try await lab.int("SELECT count(*) FROM portalAudit WHERE action = 'signed in'") == 1)
        #expect(try await lab.int("SELECT count(*) FROM portalSession") >= 1)
    }
}

/// The page curl fetched, carried out of the polling closure.
private final class Box: @unchecked Sendable { // written once by the polling task, read after it ended
    var value = ""
}
