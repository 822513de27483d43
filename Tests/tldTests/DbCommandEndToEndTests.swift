import Foundation
import TestSupport
import Testing

/// `tld db status` / `tld db migrate` on SQLite (on PostgreSQL: PostgresReadoutEndToEndTests).
@Suite("tld db on SQLite, end to end")
struct DbCommandEndToEndTests {
    @Test("migrate creates the schema, status reads it without changing anything; a missing or foreign file is refused")
    func migrateAndStatus() async throws {
        let dir = try TemporaryDirectory("tld-db")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")

        let missing = try await tld.run(["db", "status", "--database", "lab.sqlite"], in: dir.url)
        #expect(missing.status == 66)
        #expect(!FileManager.default.fileExists(atPath: dir.path("lab.sqlite")))

        let migrate = try await tld.run(["db", "migrate", "--database", "lab.sqlite"], in: dir.url)
        #expect(migrate.status == 0, "stderr: \(migrate.stderr)")
        #expect(migrate.stdout.contains("SQLite lab.sqlite: applied v1-readout"))
        let applied = try await SQLiteQuery.lines(dir.path("lab.sqlite"), "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        #expect(applied.count >= 12)

        let status = try await tld.run(["db", "status", "--database", "lab.sqlite"], in: dir.url)
        #expect(status.status == 0, "stderr: \(status.stderr)")
        #expect(status.stdout.contains("\(applied.count) migrations applied, 0 pending"))
        #expect(applied.allSatisfy { status.stdout.contains("applied  \($0)") })
        #expect(status.stdout.contains("Holds 0 readout batches (0 open), element readings: 0 stored, 0 lost, 0 absent; "
                                       + "0 dose versions (0 current, 0 released); 0 calibration records."), "\(status.stdout)")

        let again = try await tld.run(["db", "migrate", "--database", "lab.sqlite"], in: dir.url)
        #expect(again.stdout.contains("is up to date (\(applied.count) migrations applied)"))

        try Data("not a database".utf8).write(to: dir.url.appendingPathComponent("notes.txt"))
        let foreign = try await tld.run(["db", "status", "--database", "notes.txt"], in: dir.url)
        #expect(foreign.status == 65, "stderr: \(foreign.stderr)")
    }

    @Test("a postgres:// value for a command's own file option is refused, never taken as a file name")
    func fileOptionsRefusePostgres() async throws {
        let dir = try TemporaryDirectory("tld-db-refuse")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        for arguments in [["typetest", "--database", "postgres://lab@localhost/tld"]] {
            let result = try await tld.run(arguments, in: dir.url)
            #expect(result.status == 69, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("PostgreSQL backend does not support it yet"), "\(result.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
        #expect(left.allSatisfy { !$0.hasPrefix("postgres") }, "\(left)")
    }
}
