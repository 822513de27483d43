import Foundation
import TestSupport
import Testing

/// `tld import` of examples/lab-import.csv, read back with `tld wearer list` and `tld key`, on a SQLite
/// file and on PostgreSQL (issue 15: the master-data and national-ID key roles on both backends),
/// with the same answers.
@Suite("tld import, wearer list and key on SQLite and PostgreSQL, end to end", .serialized)
struct ImportBackendsEndToEndTests {
    /// The key only from the key files (never from the tests' own environment).
    static let noKey = ["TLD_NATIONAL_ID_KEY": ""]

    /// Imports the example twice, lists the wearers (masked IDs), rotates the key and lists again
    /// with the new key, on `database`; the key lives in key files in `dir`.
    func importAndReadBack(database: String, in dir: TemporaryDirectory) async throws {
        let tld = try ProductRunner(product: "tld")
        let example = RepoPaths.file("examples/lab-import.csv").path
        let first = try await tld.run(["import", example, "--database", database, "--key-file", "lab.key"], in: dir.url, environment: Self.noKey)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("customers 3 added, 0 changed; wearers 19 added, 0 changed; enrolments 22 added, 0 changed, 0 unchanged."),
                "\(first.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir.path("lab.key")), "a new lab gets its key file")
        let again = try await tld.run(["import", example, "--database", database, "--key-file", "lab.key"], in: dir.url, environment: Self.noKey)
        #expect(again.status == 0 && again.stdout.contains("nothing to change (22 enrolments already recorded)"), "\(again.stdout) \(again.stderr)")

        let list = try await tld.run(["wearer", "list", "--format", "csv", "--database", database, "--key-file", "lab.key"], in: dir.url, environment: Self.noKey)
        #expect(list.status == 0, "stderr: \(list.stderr)")
        let rows = list.stdout.split(separator: "\r\n")
        #expect(rows.count == 20, "header + 19 wearers: \(list.stdout)")
        let anna = rows.first { $0.contains("\"Andersen, Anna\"") }
        #expect(anna?.contains(",K-1001,") == true && anna?.contains(",0101******,1980-01-01") == true, "\(anna ?? "none")")
        #expect(!list.stdout.contains("010180-1001") && !list.stdout.contains("0101801001"), "never the whole ID")

        let check = try await tld.run(["key", "show-check", "--database", database, "--key-file", "lab.key"], in: dir.url, environment: Self.noKey)
        #expect(check.status == 0 && check.stdout.contains("The key belongs to \(database)."), "\(check.stdout) \(check.stderr)")

        let backup = try await tld.run(["key", "backup", "--out", "lab-copy.key", "--database", database, "--key-file", "lab.key"],
                                       in: dir.url, environment: Self.noKey)
        #expect(backup.status == 0, "stderr: \(backup.stderr)")
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("lab-copy.key")) == Data(contentsOf: dir.url.appendingPathComponent("lab.key")))

        let rotate = try await tld.run(["key", "rotate", "--new-key-file", "new.key", "--database", database, "--key-file", "lab.key"],
                                       in: dir.url, environment: Self.noKey)
        #expect(rotate.status == 0 && rotate.stdout.contains("Re-sealed 19 national IDs"), "\(rotate.stdout) \(rotate.stderr)")
        let old = try await tld.run(["wearer", "list", "--database", database, "--key-file", "lab.key"], in: dir.url, environment: Self.noKey)
        #expect(old.status == 65, "the old key no longer belongs to the lab: \(old.stderr)")
        let renewed = try await tld.run(["wearer", "list", "--format", "csv", "--database", database, "--key-file", "new.key"], in: dir.url, environment: Self.noKey)
        #expect(renewed.status == 0 && renewed.stdout == list.stdout, "the same listing under the new key: \(renewed.stderr)")
    }

    @Test("on a SQLite file: import, again, wearer list with masked IDs, key check and rotation")
    func sqlite() async throws {
        let dir = try TemporaryDirectory("tld-import-sqlite")
        defer { dir.cleanup() }
        try await importAndReadBack(database: "lab.sqlite", in: dir)
        #expect(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"), "SELECT count(*) FROM customer") == ["3"])
        #expect(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"), "SELECT count(*) FROM wearer") == ["19"])
        #expect(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"), "SELECT count(*) FROM enrolment") == ["22"])
    }

    @Test("on PostgreSQL: the same commands, the same answers; the rows are there, the IDs sealed; the key must be named",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func postgres() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-import-pg")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let example = RepoPaths.file("examples/lab-import.csv").path
        // No key named: one line, exit 64, nothing written (no "postgres:….key" file either).
        let unnamed = try await tld.run(["import", example, "--database", lab.url], in: dir.url, environment: Self.noKey)
        #expect(unnamed.status == 64, "stderr: \(unnamed.stderr)")
        #expect(unnamed.stderr.contains("a PostgreSQL lab needs its national-ID key named"))
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.url.path)
            .filter { !$0.hasPrefix("stdout-") && !$0.hasPrefix("stderr-") }  // the runner's own capture files
        #expect(left.isEmpty, "\(left)")
        #expect(try await lab.int("SELECT count(*) FROM information_schema.tables WHERE table_schema = '\(lab.schema)'") == 0,
                "refused before the database is touched")

        try await importAndReadBack(database: lab.url, in: dir)
        #expect(try await lab.int("SELECT count(*) FROM customer") == 3)
        #expect(try await lab.int("SELECT count(*) FROM wearer") == 19)
        #expect(try await lab.int("SELECT count(*) FROM enrolment") == 22)
        #expect(try await lab.lines("SELECT min(number), max(number) FROM enrolment") == ["TILM-00000001|TILM-00000022"])
        #expect(try await lab.lines("SELECT birthDate FROM wearer WHERE name = 'Andersen, Anna'") == ["1980-01-01"])
        #expect(try await lab.int("SELECT count(*) FROM wearer WHERE position('\\x30313031383031303031'::bytea in nationalIDSealed) > 0") == 0,
                "the digits are never stored in clear")
        #expect(try await lab.int("SELECT count(*) FROM nationalIDKeyCheck") == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path("tld.sqlite")))
        // A customer's wearers (the lab records role, on PostgreSQL too since issue 15): masked IDs only.
        let byCustomer = try await tld.run(["wearer", "list", "--customer", "K-1001", "--format", "csv", "--database", lab.url,
                                            "--key-file", "new.key"], in: dir.url, environment: Self.noKey)
        #expect(byCustomer.status == 0, "\(byCustomer.stderr)")
        #expect(byCustomer.stdout.contains("\"Andersen, Anna\"") && byCustomer.stdout.contains(",0101******,"), "\(byCustomer.stdout)")
        #expect(!byCustomer.stdout.contains(",K-1002,"), "only K-1001's wearers: \(byCustomer.stdout)")
        let unknown = try await tld.run(["wearer", "list", "--customer", "K-9999", "--database", lab.url, "--key-file", "new.key"],
                                        in: dir.url, environment: Self.noKey)
        #expect(unknown.status != 0 && unknown.stderr.contains("no customer K-9999"), "\(unknown.stderr)")
    }
}
