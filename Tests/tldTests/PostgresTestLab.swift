import Foundation
import TestSupport
import Testing

/// A lab on the tests' PostgreSQL cluster (`TLD_TEST_POSTGRES_URL`, started by
/// scripts/pg-test-cluster.sh under `make test`): a fresh schema per test, queried with psql.
struct PostgresTestLab {
    /// The URL `tld --database` gets (the schema as `schema=`).
    let url: String
    let schema: String
    let serverURL: String

    static var serverURL: String? {
        ProcessInfo.processInfo.environment["TLD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether the PostgreSQL tests run: with the cluster's URL, and always under CI=true (where a
    /// missing URL fails them instead of skipping).
    static var enabled: Bool { serverURL != nil || isCI }

    static let skipReason: Comment = "TLD_TEST_POSTGRES_URL is not set: run `make test`, or eval \"$(scripts/pg-test-cluster.sh start)\" first"

    struct Missing: Error, CustomStringConvertible {
        var description: String { "TLD_TEST_POSTGRES_URL is not set and CI=true: the PostgreSQL tests must run (make test starts the cluster)" }
    }

    static func create() async throws -> PostgresTestLab {
        guard let server = serverURL else { throw Missing() }
        let schema = "e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let r = try await psql(server, "CREATE SCHEMA \(schema)")
        guard r.status == 0 else { throw QueryFailed(sql: "CREATE SCHEMA", stderr: r.stderr) }
        return PostgresTestLab(url: server + (server.contains("?") ? "&" : "?") + "schema=\(schema)", schema: schema, serverURL: server)
    }

    struct QueryFailed: Error, CustomStringConvertible {
        let sql: String
        let stderr: String
        var description: String { "psql failed on \(sql): \(stderr)" }
    }

    /// The rows of `sql` in the lab's schema, one line each (fields joined by |).
    func lines(_ sql: String) async throws -> [String] {
        let r = try await Self.psql(serverURL, "SET search_path TO \(schema); \(sql)")
        guard r.status == 0 else { throw QueryFailed(sql: sql, stderr: r.stderr) }
        return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    func int(_ sql: String) async throws -> Int {
        guard let line = try await lines(sql).first, let value = Int(line) else { throw QueryFailed(sql: sql, stderr: "not one number") }
        return value
    }

    static func psql(_ url: String, _ sql: String) async throws -> ProductRunner.Result {
        try await runInScratch(URL(fileURLWithPath: "/usr/bin/psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
    }

    /// scripts/pg-test-cluster.sh on the tests' cluster (`crash`, `restart`).
    static func cluster(_ command: String) async throws -> ProductRunner.Result {
        try await runInScratch(RepoPaths.root.appendingPathComponent("scripts/pg-test-cluster.sh"), [command])
    }

    /// Runs in a directory of its own, removed after (ProductRunner leaves its output files there).
    static func runInScratch(_ executable: URL, _ arguments: [String]) async throws -> ProductRunner.Result {
        let scratch = try TemporaryDirectory("tld-pg-cmd")
        defer { scratch.cleanup() }
        return try await ProductRunner(executable: executable).run(arguments, in: scratch.url)
    }
}
