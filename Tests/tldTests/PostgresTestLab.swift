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
        return try await create(on: server)
    }

    /// A lab on `server` (the tests' shared cluster, or a ``PrivateCluster`` of a test that crashes it).
    static func create(on server: String) async throws -> PostgresTestLab {
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

    /// A PostgreSQL cluster of one test's own (scripts/pg-test-cluster.sh start), for a test that
    /// crashes its server: the shared cluster of the other tests, which may run at the same time
    /// (`swift test --parallel`), is never stopped.
    struct PrivateCluster {
        let directory: String
        let url: String

        static func start() async throws -> PrivateCluster {
            guard PostgresTestLab.enabled else { throw Missing() }
            let r = try await PostgresTestLab.script(["start"])
            guard r.status == 0 else { throw QueryFailed(sql: "pg-test-cluster.sh start", stderr: r.stderr) }
            var values: [String: String] = [:]
            for line in r.stdout.split(whereSeparator: \.isNewline) where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                values[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
            guard let directory = values["TLD_TEST_PG_DIR"], let url = values["TLD_TEST_POSTGRES_URL"] else {
                throw QueryFailed(sql: "pg-test-cluster.sh start", stderr: "no cluster in its output: \(r.stdout)")
            }
            return PrivateCluster(directory: directory, url: url)
        }

        /// Runs `body` on a cluster of its own and stops it (removing its directory) after, also when
        /// `body` throws.
        static func with<T>(_ body: (PrivateCluster) async throws -> T) async throws -> T {
            let cluster = try await start()
            do {
                let result = try await body(cluster)
                _ = try? await cluster.run("stop")
                return result
            } catch {
                _ = try? await cluster.run("stop")
                throw error
            }
        }

        /// `crash` (pg_ctl stop -m immediate), `restart` or `stop` (which removes the directory).
        func run(_ command: String) async throws -> ProductRunner.Result {
            try await PostgresTestLab.script([command, directory])
        }
    }

    static func script(_ arguments: [String]) async throws -> ProductRunner.Result {
        try await runInScratch(RepoPaths.root.appendingPathComponent("scripts/pg-test-cluster.sh"), arguments)
    }

    /// Runs in a directory of its own, removed after (ProductRunner leaves its output files there).
    static func runInScratch(_ executable: URL, _ arguments: [String]) async throws -> ProductRunner.Result {
        let scratch = try TemporaryDirectory("tld-pg-cmd")
        defer { scratch.cleanup() }
        return try await ProductRunner(executable: executable).run(arguments, in: scratch.url)
    }
}
