import Foundation
import LabWorkflow
import TestSupport
import Testing

/// `tld db copy` of a whole lab (issue 15, deliverable 4): the lab `tld demo` builds in a SQLite file
/// (master data, lab records, readouts, doses, cases, charges, …) into PostgreSQL on the tests'
/// private cluster; every table's rows and content compared outside tld (sqlite3 and psql); the
/// copied lab then takes new rows after the copied ids and still refuses illegal cycle moves; a
/// target that holds lab data, even one row, is refused with nothing written.
@Suite("tld db copy: a whole lab from SQLite to PostgreSQL", .serialized, .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
struct DbCopyWholeLabEndToEndTests {
    /// The lab of README's "A day at the lab", built by `tld demo` in `dir`/lab.sqlite.
    static func demoLab(in dir: TemporaryDirectory) async throws {
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "demo", "--database", "lab.sqlite"], in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
    }

    /// The demo lab, plus what the demo leaves empty: portal accounts (a customer's and a wearer's,
    /// with their audit rows), a registry export, a dose assigned for a card lost in the post, a
    /// customer's own levels and a case investigation.
    static func fullLab(in dir: TemporaryDirectory) async throws {
        try await demoLab(in: dir)
        let tld = try ProductRunner(product: "tld")
        for step in [["account", "add", "--user", "demo", "--customer", "K-1001"],
                     ["account", "add", "--user", "hans", "--wearer", "1"],
                     ["registry", "export", "--from", "2026-01-01", "--to", "2027-12-31", "--out", "registry.txt"],
                     ["assign", "--issue", "6", "--notional-mSv", "0.2", "--who", "anna", "--why", "card lost in the post", "--on", "2027-02-10"],
                     ["levels", "set", "--customer", "K-1002", "--review-mSv", "0.5", "--who", "anna", "--valid-from", "2027-03-01"],
                     ["cases", "investigate", "1", "--who", "anna", "--causes", "mask left in the beam", "--actions", "instructed"]] {
            let r = try await tld.run(step + ["--database", "lab.sqlite"], in: dir.url)
            #expect(r.status == 0, "tld \(step.joined(separator: " ")): \(r.stderr)")
        }
    }

    /// psql on the lab's schema, where a failure is the expected answer.
    static func refused(_ lab: PostgresTestLab, _ sql: String) async throws -> ProductRunner.Result {
        try await PostgresTestLab.psql(lab.serverURL, "SET search_path TO \(lab.schema); \(sql)")
    }

    @Test("the demo lab (plus portal accounts, a registry export, an assigned dose, levels, a case investigation) copies whole: every table's row count and content equal (sqlite3 against psql), the sealed national IDs as they are; new rows follow the copied ids; the interlocks apply again")
    func wholeLab() async throws {
        let dir = try TemporaryDirectory("tld-db-copy-lab")
        defer { dir.cleanup() }
        try await Self.fullLab(in: dir)
        let path = dir.path("lab.sqlite")
        let lab = try await PostgresTestLab.create()
        let tld = try ProductRunner(product: "tld")

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("Verified: every table's rows and content, and every raw curve, are in PostgreSQL as in SQLite."), "\(r.stdout)")
        #expect(r.stdout.contains("copied sealed") && r.stdout.contains("--key-file lab.sqlite.key"), "\(r.stdout)")
        #expect(!r.stdout.contains("DIFFERENT"))

        // Every table of the SQLite lab, counted on both sides by the databases' own clients.
        let tables = try await SQLiteQuery.lines(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name")
        #expect(tables.count >= 40, "\(tables)")
        var withRows = 0
        for table in tables {
            let n = Int(try await SQLiteQuery.lines(path, "SELECT count(*) FROM \(table)").joined()) ?? -1
            #expect(try await lab.int("SELECT count(*) FROM \(table)") == n, "\(table)")
            let line = r.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("  \(table) ") }.map(String.init) ?? ""
            #expect(line.contains("SQLite \(n) rows, PostgreSQL \(n) rows; checksum equal"), "\(table): \(line)")
            if n > 0 { withRows += 1 }
        }
        // The demo fills master data, lab records, the cycle, doses, cases and charges.
        for table in ["customer", "wearer", "enrolment", "card", "cardElement", "shipment", "cardIssue", "customerReturn", "returnScan",
                      "cardInspection", "annealRecord", "annealCheck", "charge", "cardPrice", "elementReading", "doseResult", "doseAudit",
                      "levelCase", "nationalIDKeyCheck", "portalOverviewVersion", "portalAccount", "portalAudit", "registryExport",
                      "registryRecord", "assignedDose", "customerLevels", "caseInvestigation"] {
            #expect(try await lab.int("SELECT count(*) FROM \(table)") > 0, "\(table) is empty: the demo lab was meant to fill it")
        }
        #expect(withRows >= 32)

        // Content outside tld: the sealed national IDs byte for byte, times to the millisecond, JSON flags, curves.
        #expect(try await lab.lines("SELECT id || '|' || upper(encode(nationalIDSealed, 'hex')) || '|' || upper(encode(nationalIDLookup, 'hex')) FROM wearer ORDER BY id")
                == SQLiteQuery.lines(path, "SELECT id || '|' || hex(nationalIDSealed) || '|' || hex(nationalIDLookup) FROM wearer ORDER BY id"))
        #expect(try await lab.lines("SELECT id || '|' || cardID || '|' || to_char(issuedAt AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '|' || periodStart FROM cardIssue ORDER BY id")
                == SQLiteQuery.lines(path, "SELECT id || '|' || cardID || '|' || strftime('%Y-%m-%d %H:%M:%f', issuedAt) || '|' || periodStart FROM cardIssue ORDER BY id"))
        #expect(try await lab.lines("SELECT id || '|' || state || '|' || (SELECT string_agg(f, ',' ORDER BY o) FROM jsonb_array_elements_text(flags) WITH ORDINALITY AS x(f, o)) FROM doseResult WHERE flags <> '[]' ORDER BY id")
                == SQLiteQuery.lines(path, "SELECT id || '|' || state || '|' || (SELECT group_concat(value, ',') FROM json_each(flags)) FROM doseResult WHERE flags <> '[]' ORDER BY id"))
        #expect(try await lab.lines("SELECT id || '|' || upper(encode(sha256(counts || temperatures), 'hex')) FROM elementReading WHERE counts IS NOT NULL ORDER BY id").count
                == Int(try await SQLiteQuery.lines(path, "SELECT count(*) FROM elementReading WHERE counts IS NOT NULL").joined()))

        // New rows follow the copied ids (identity sequences moved), through tld on PostgreSQL.
        let calibrations = try await lab.int("SELECT max(id) FROM calibrationRecord")
        let added = try await tld.run(["calibration", "add", "--reader", "TL-COPY", "--role", "deep", "--counts-per-msv", "1234.5",
                                       "--valid-from", "2027-03-01", "--source", "after the copy", "--database", lab.url], in: dir.url)
        #expect(added.status == 0, "stderr: \(added.stderr)")
        #expect(try await lab.int("SELECT id FROM calibrationRecord WHERE subject = 'TL-COPY'") == calibrations + 1)
        let customer = try await tld.run(["customer", "add", "--name", "After Copy Clinic", "--delivery-address", "Vej 9", "--database", lab.url], in: dir.url)
        #expect(customer.status == 0, "stderr: \(customer.stderr)")
        #expect(customer.stdout.contains("K-1004"), "\(customer.stdout)")
        let cards = try await tld.run(["cards", "add", "--type", "whole-body", "--elements", "4", "--range", "50000017-50000025", "--database", lab.url], in: dir.url)
        #expect(cards.status == 0, "stderr: \(cards.stderr)")
        let retired = try await tld.run(["cards", "retire", "50000017", "--why", "cracked after the copy", "--database", lab.url], in: dir.url)
        #expect(retired.status == 0, "stderr: \(retired.stderr)")
        #expect(try await lab.int("SELECT count(*) FROM cardRetirement WHERE cardID = '50000017'") == 1)

        // The interlocks apply again after the copy: an issued card is neither zeroed nor issued again,
        // by tld or by raw SQL, and nothing changes.
        let issued = try #require(try await lab.lines("SELECT id FROM card WHERE state = 'issued' ORDER BY id LIMIT 1").first)
        let zero = try await tld.run(["zero", issued, "--database", lab.url], in: dir.url)
        #expect(zero.status == 65, "stderr: \(zero.stderr)")
        let update = try await Self.refused(lab, "UPDATE card SET state = 'zeroed' WHERE id = '\(issued)'")
        #expect(update.status != 0 && (update.stderr.contains("card state move not allowed") || update.stderr.contains("zeroed before")), "\(update.stderr)")
        let issue = try await Self.refused(lab, """
            INSERT INTO cardIssue (cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt)
            SELECT '\(issued)', enrolmentID, customerID, '2031-01-01', '2031-01-31', now() FROM cardIssue WHERE cardID = '\(issued)' LIMIT 1
            """)
        #expect(issue.status != 0 && issue.stderr.contains("only an available (zeroed, inspected) card can be issued"), "\(issue.stderr)")
        let released = try await Self.refused(lab, "UPDATE doseResult SET hp10MilliSievert = hp10MilliSievert + 1 WHERE state = 'released'")
        #expect(released.status != 0, "a released dose changed after the copy")
        #expect(try await lab.lines("SELECT state FROM card WHERE id = '\(issued)'") == ["issued"])

        // A second copy into the same database: refused, nothing added.
        let wearers = try await lab.int("SELECT count(*) FROM wearer")
        let again = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(again.status == 65, "stderr: \(again.stderr)")
        #expect(again.stderr.contains("already holds") && again.stderr.contains("nothing was copied"), "\(again.stderr)")
        #expect(again.stderr.split(whereSeparator: \.isNewline).count == 1)
        #expect(try await lab.int("SELECT count(*) FROM wearer") == wearers)
    }

    @Test("a target holding one row of lab data (a partial copy) is refused with the table named, nothing written; a login that may not switch the triggers off gets exit 77; a running bench's writer lock exit 75; a value PostgreSQL normalises fails the verification (exit 70, the table named, rolled back)")
    func partialTargetRefused() async throws {
        let dir = try TemporaryDirectory("tld-db-copy-partial")
        defer { dir.cleanup() }
        try await Self.demoLab(in: dir)
        let lab = try await PostgresTestLab.create()
        let tld = try ProductRunner(product: "tld")
        let migrated = try await tld.run(["db", "migrate", "--database", lab.url], in: dir.url)
        #expect(migrated.status == 0, "stderr: \(migrated.stderr)")
        _ = try await lab.lines("INSERT INTO customer (id, name, deliveryAddress, contactEmail) SELECT 'K-9999', 'Left over', 'Vej 1', ''")

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 65, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("the PostgreSQL table customer already holds 1 rows") && r.stderr.contains("nothing was copied"), "\(r.stderr)")
        #expect(r.stderr.split(whereSeparator: \.isNewline).count == 1)
        #expect(try await lab.int("SELECT count(*) FROM customer") == 1)
        #expect(try await lab.int("SELECT count(*) FROM wearer") == 0)
        #expect(try await lab.int("SELECT count(*) FROM elementReading") == 0)

        // A login that owns the tables but is no superuser: told what it needs, nothing written.
        let fresh = try await PostgresTestLab.create()
        let role = "copier_" + fresh.schema.suffix(12)
        _ = try await PostgresTestLab.psql(fresh.serverURL, "CREATE ROLE \(role) LOGIN; GRANT ALL ON SCHEMA \(fresh.schema) TO \(role)")
        let url = fresh.url.replacingOccurrences(of: "://tld@", with: "://\(role)@")
        #expect(url != fresh.url, "\(fresh.url)")
        let denied = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", url], in: dir.url)
        #expect(denied.status == 77, "stderr: \(denied.stderr)")
        #expect(denied.stderr.contains("session_replication_role") && denied.stderr.contains("nothing was copied"), "\(denied.stderr)")
        #expect(try await fresh.int("SELECT count(*) FROM customer") == 0)

        // A value that does not come back as it was: SQLite keeps the date text '2027-2-3' as written,
        // PostgreSQL's `date` makes it 2027-02-03. The verification names the table: exit 70, no "Verified", nothing written.
        let sloppy = dir.path("sloppy.sqlite")
        try FileManager.default.copyItem(atPath: dir.path("lab.sqlite"), toPath: sloppy)
        let edited = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run([sloppy, "UPDATE customerReturn SET arrivedOn = '2027-2-3' WHERE id = 1"], in: dir.url)
        #expect(edited.status == 0, "\(edited.stderr)")
        let other = try await PostgresTestLab.create()
        let differs = try await tld.run(["db", "copy", "--from", "sloppy.sqlite", "--to", other.url], in: dir.url)
        #expect(differs.status == 70, "stderr: \(differs.stderr)")
        #expect(differs.stderr.contains("the copy does not match its source: customerReturn: the checksums of its content differ; nothing was copied"),
                "\(differs.stderr)")
        #expect(differs.stderr.split(whereSeparator: \.isNewline).count == 1)
        #expect(!differs.stdout.contains("Verified"))
        // Verified before COMMIT: rolled back, nothing written.
        #expect(try await other.int("SELECT count(*) FROM customerReturn") == 0)
        #expect(try await other.int("SELECT count(*) FROM customer") == 0)

        // A bench reading into the SQLite lab (its writer lock held): the copy stops at once, nothing written.
        let lock = try WriterLock.acquire(for: dir.path("lab.sqlite"), holder: "tld readout")
        defer { lock.release() }
        let busy = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", fresh.url], in: dir.url)
        #expect(busy.status == 75, "stderr: \(busy.stderr)")
        #expect(busy.stderr.contains("tld readout"), "\(busy.stderr)")
        #expect(try await fresh.int("SELECT count(*) FROM customer") == 0)
    }
}
