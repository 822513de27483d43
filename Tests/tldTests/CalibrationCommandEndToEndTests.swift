import Foundation
import TestSupport
import Testing

/// `tld calibration add` / `list` (issue 15: a command that needs only the DoseStore role), on a SQLite
/// file and on PostgreSQL (the tests' private cluster), with the same output.
@Suite("tld calibration, end to end", .serialized)
struct CalibrationCommandEndToEndTests {
    /// Adds two deep factors and a shallow one for reader TL00042 and checks the history, the value in
    /// force on a day, the refusals, and `tld db status`'s count, on `database`.
    func history(database: String, in dir: TemporaryDirectory) async throws {
        let tld = try ProductRunner(product: "tld")
        for (role, value, day, source) in [("deep", "52000", "2027-01-04", "DFM certificate 2027-0113"),
                                           ("deep", "53000.5", "2027-02-01", "DFM certificate 2027-0190"),
                                           ("shallow", "50000", "2027-01-04", "DFM certificate 2027-0113")] {
            let r = try await tld.run(["calibration", "add", "--reader", "TL00042", "--role", role, "--counts-per-msv", value,
                                       "--valid-from", day, "--source", source, "--database", database], in: dir.url)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout.contains("reader TL00042, \(role) element, \(Double(value) ?? 0) counts/mSv, valid from \(day)."), "\(r.stdout)")
        }
        let january = try await tld.run(["calibration", "list", "--reader", "TL00042", "--on", "2027-01-31", "--database", database], in: dir.url)
        #expect(january.status == 0, "stderr: \(january.stderr)")
        #expect(january.stdout.contains("reader TL00042, deep element (countsPerMilliSievert/deep):"), "\(january.stdout)")
        #expect(january.stdout.contains("  * 52000.0 counts/mSv  valid from 2027-01-04T00:00:00Z"))
        #expect(january.stdout.contains("    53000.5 counts/mSv  valid from 2027-02-01T00:00:00Z"))
        #expect(january.stdout.contains("  * 50000.0 counts/mSv  valid from 2027-01-04T00:00:00Z"))
        #expect(january.stdout.contains("DFM certificate 2027-0190"))
        #expect(january.stdout.contains("3 records; * = in force on 2027-01-31."))
        // From the day a factor is valid, it is the one in force; the earlier one stays in the history.
        let february = try await tld.run(["calibration", "list", "--reader", "TL00042", "--on", "2027-02-01", "--database", database], in: dir.url)
        #expect(february.stdout.contains("    52000.0 counts/mSv  valid from 2027-01-04T00:00:00Z"), "\(february.stdout)")
        #expect(february.stdout.contains("  * 53000.5 counts/mSv  valid from 2027-02-01T00:00:00Z"))

        let none = try await tld.run(["calibration", "list", "--card", "10000017", "--element", "2", "--database", database], in: dir.url)
        #expect(none.status == 0, "stderr: \(none.stderr)")
        #expect(none.stdout.contains("No calibration records for card 10000017 element 2."))

        for bad in [["--counts-per-msv", "-1", "--role", "deep"], ["--counts-per-msv", "nan", "--role", "deep"],
                    ["--counts-per-msv", "1", "--role", "middle"]] {
            let r = try await tld.run(["calibration", "add", "--reader", "TL00042", "--valid-from", "2027-03-01", "--source", "x"]
                                      + bad + ["--database", database], in: dir.url)
            #expect(r.status == 64, "\(bad): \(r.stderr)")
        }
        let status = try await tld.run(["db", "status", "--database", database], in: dir.url)
        #expect(status.stdout.contains("0 dose versions (0 current, 0 released); 3 calibration records."), "\(status.stdout)")
    }

    @Test("on a SQLite file: add, list with the value in force, refusals; a missing file is not created")
    func sqlite() async throws {
        let dir = try TemporaryDirectory("tld-calibration")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let missing = try await tld.run(["calibration", "list", "--reader", "TL00042", "--database", "lab.sqlite"], in: dir.url)
        #expect(missing.status == 66, "stderr: \(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("lab.sqlite")))
        #expect(try await tld.run(["db", "migrate", "--database", "lab.sqlite"], in: dir.url).status == 0)
        try await history(database: "lab.sqlite", in: dir)
    }

    @Test("on PostgreSQL: the same commands, the same answers; the database refuses changing a record",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func postgres() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-calibration-pg")
        defer { dir.cleanup() }
        try await history(database: lab.url, in: dir)
        #expect(try await lab.int("SELECT count(*) FROM calibrationRecord") == 3)
        let update = try await PostgresTestLab.psql(lab.serverURL, "SET search_path TO \(lab.schema); UPDATE calibrationRecord SET value = 1")
        #expect(update.status != 0)
        #expect(update.stderr.contains("calibration records are immutable"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("tld.sqlite")))
    }
}
