import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing

/// The commands of a person's dose record (`tld history`, `tld assign`, `tld registry …`,
/// `tld retention …`) on a SQLite file and on PostgreSQL (issue 15): the same answers, the same
/// registry export file (the one place the full national ID is revealed), the same archive.
///
/// The demo's lab (`tld demo`: a year of cycles, handovers, assigned-dose candidates) is built on
/// SQLite and its rows put into a PostgreSQL lab as they are (``PostgresLabLoader``): the cycle
/// commands that make such a lab (dispatch, evaluation) do not run on PostgreSQL yet.
@Suite("tld history, assign, registry and retention on SQLite and PostgreSQL, end to end", .serialized)
struct DoseRecordsBackendsEndToEndTests {
    /// The outputs of one run of the commands, in order (status, stdout, stderr), with the files they
    /// wrote, for comparing backends; run in `work` with the lab's key in its parent folder.
    func run(database: String, issue: String, wearer: String, in work: URL) async throws -> (outputs: [String], files: [String: String]) {
        let tld = try ProductRunner(product: "tld")
        var outputs: [String] = []
        let common = ["--database", database, "--key-file", "../lab.sqlite.key"]
        func step(_ arguments: [String], status: Int32 = 0, key: Bool = true) async throws {
            let r = try await tld.run(arguments + (key ? common : Array(common.prefix(2))), in: work)
            #expect(r.status == status, "tld \(arguments.joined(separator: " ")): \(r.stdout) \(r.stderr)")
            outputs.append("\(r.status)\n\(r.stdout)\n\(r.stderr)")
        }
        let on = ["--on", "2027-05-10"]
        try await step(["history", "--national-id", "010180-1001", "--format", "csv"] + on)
        try await step(["history", "--national-id", "080888-8888", "--format", "json"] + on)
        try await step(["history", "--wearer", "1"] + on)
        try await step(["assign", "--issue", issue, "--notional-mSv", "0.25", "--who", "Dr. P", "--why", "card lost"] + on, key: false)
        // A second dose for the same period: refused, nothing stored.
        try await step(["assign", "--issue", issue, "--notional-mSv", "0.5", "--who", "Dr. Q", "--why", "again"] + on, status: 65, key: false)
        // The person of the assigned dose (Gustav Gram, the K-1001 shoulder card that never came back).
        try await step(["history", "--wearer", wearer, "--format", "csv"] + on)
        let range = ["--from", "2026-12-01", "--to", "2027-01-31"]
        try await step(["registry", "export"] + range + ["--out", "reg1.csv"] + on)
        try await step(["registry", "export"] + range + ["--out", "reg2.csv"] + on)
        try await step(["registry", "export"] + range + ["--out", "reg1.csv"] + on, status: 73)
        try await step(["registry", "validate", "reg1.csv", "--compare"])
        try await step(["registry", "log", "--format", "csv"], key: false)
        try await step(["retention", "report", "--format", "csv"] + on)
        try await step(["retention", "archive", "--out", "archive", "--national-id", "010180-1001"] + on)
        // The person's extract as documents (PDF, text, HTML), from the same record.
        try await step(["history", "--national-id", "010180-1001", "--out", "docs"] + on)
        var files: [String: String] = [:]
        let archived = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("archive").path).map { "archive/" + $0 }
        #expect(archived.count == 1)
        for name in ["reg1.csv"] + archived {
            files[name] = try String(contentsOf: work.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("reg2.csv").path))
        let documents = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("docs").path)
        #expect(documents.contains { $0.hasSuffix(".pdf") } && documents.contains { $0.hasSuffix(".txt") }, "\(documents)")
        for name in documents where name.hasSuffix(".txt") {
            files["docs/" + name] = try String(contentsOf: work.appendingPathComponent("docs").appendingPathComponent(name), encoding: .utf8)
        }
        return (outputs.map { $0.replacingOccurrences(of: database, with: "DATABASE") }, files)
    }

    /// What differs between two runs of the same export: its time (the header's `created`, the log's
    /// `created`) and so the file's SHA-256.
    static func withoutTimes(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"#, with: "TIME", options: .regularExpression)
            .replacingOccurrences(of: #"[0-9a-f]{64}"#, with: "SHA256", options: .regularExpression)
    }

    @Test("on PostgreSQL the commands answer as on a SQLite file; the export file and the archive are the same; the rows are in PostgreSQL",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func sameAnswers() async throws {
        let dir = try TemporaryDirectory("tld-doserecords-backends")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        try #require(demo.status == 0, "stderr: \(demo.stderr)")
        let lab = try await PostgresTestLab.create()
        let migrate = try await tld.run(["db", "migrate", "--database", lab.url], in: dir.url)
        try #require(migrate.status == 0, "stderr: \(migrate.stderr)")
        try await PostgresLabLoader.load(sqlite: dir.path("lab.sqlite"), into: lab, scratch: dir.url)

        // The K-1001 shoulder card that never came back: a period a dose is assigned to, and its wearer.
        let issue = try #require(try await LabDatabaseQuery.lines(
            dir.path("lab.sqlite"), "SELECT id FROM cardIssue WHERE cardID = '40000010' AND returnID IS NULL").first)
        let wearer = try #require(try await LabDatabaseQuery.lines(
            dir.path("lab.sqlite"), "SELECT e.wearerID FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE i.id = \(issue)").first)
        for name in ["s", "p"] {
            try FileManager.default.createDirectory(at: dir.url.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let sqlite = try await run(database: "../lab.sqlite", issue: issue, wearer: wearer, in: dir.url.appendingPathComponent("s"))
        let postgres = try await run(database: lab.url, issue: issue, wearer: wearer, in: dir.url.appendingPathComponent("p"))

        #expect(postgres.outputs.count == sqlite.outputs.count)
        for (n, (p, s)) in zip(postgres.outputs, sqlite.outputs).enumerated() {
            #expect(Self.withoutTimes(p) == Self.withoutTimes(s), "step \(n + 1)")
        }
        #expect(postgres.files.mapValues(Self.withoutTimes) == sqlite.files.mapValues(Self.withoutTimes))
        // The runs did something: Anna's record, the assigned dose, an export with her full ID.
        #expect(sqlite.outputs[0].contains("K-1001") && sqlite.outputs[5].contains(",assigned,"), "\(sqlite.outputs[5])")
        #expect(sqlite.outputs[3].contains("assigned dose") && sqlite.outputs[4].contains("already has an assigned dose"), "\(sqlite.outputs[4])")
        #expect(sqlite.outputs[6].contains("record(s)") && sqlite.outputs[7].contains("Nothing to export"), "\(sqlite.outputs[6])")
        #expect(sqlite.outputs[9].contains("identical field by field"), "\(sqlite.outputs[9])")
        let file = try #require(postgres.files["reg1.csv"])
        #expect(file.contains("0101801001") && file.contains("ASSIGNED"))

        // In PostgreSQL: the assigned dose, the export log with the look-up hash only, never the ID.
        #expect(try await lab.int("SELECT count(*) FROM assignedDose") == 1)
        let records = try await LabDatabaseQuery.lines(dir.path("lab.sqlite"), "SELECT count(*) FROM registryRecord").first
        #expect(try await lab.int("SELECT count(*) FROM registryRecord") == Int(records ?? "") && records != "0")
        #expect(try await lab.int("SELECT count(*) FROM registryRecord WHERE content LIKE '%0101801001%' OR content LIKE '%Andersen%'") == 0)
    }

    @Test("two desks on one PostgreSQL lab at once: one assigned dose per period, every registry record sent once",
          .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
    func twoDesks() async throws {
        let dir = try TemporaryDirectory("tld-doserecords-desks")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out", "--database", "lab.sqlite"], in: dir.url)
        try #require(demo.status == 0, "stderr: \(demo.stderr)")
        let lab = try await PostgresTestLab.create()
        let migrate = try await tld.run(["db", "migrate", "--database", lab.url], in: dir.url)
        try #require(migrate.status == 0, "stderr: \(migrate.stderr)")
        try await PostgresLabLoader.load(sqlite: dir.path("lab.sqlite"), into: lab, scratch: dir.url)
        let issue = try #require(try await LabDatabaseQuery.lines(
            dir.path("lab.sqlite"), "SELECT id FROM cardIssue WHERE cardID = '40000010' AND returnID IS NULL").first)

        let db = ["--database", lab.url]
        let assign = ["assign", "--issue", issue, "--who", "Dr. P", "--why", "card lost", "--on", "2027-05-10"] + db
        async let a = tld.run(assign + ["--notional-mSv", "0.25"], in: dir.url)
        async let b = tld.run(assign + ["--notional-mSv", "0.5"], in: dir.url)
        let assigned = try await [a, b]
        #expect(assigned.map(\.status).sorted() == [0, 65], "\(assigned.map(\.stderr))")
        #expect(assigned.contains { $0.stderr.contains("this period already has an assigned dose") })
        #expect(try await lab.int("SELECT count(*) FROM assignedDose") == 1)

        let export = ["registry", "export", "--from", "2026-12-01", "--to", "2027-01-31", "--on", "2027-05-10", "--key-file", "lab.sqlite.key"] + db
        async let e1 = tld.run(export + ["--out", "desk1.csv"], in: dir.url)
        async let e2 = tld.run(export + ["--out", "desk2.csv"], in: dir.url)
        let exported = try await [e1, e2]
        // One desk sends; the other finds nothing left to send, or is refused (exit 65) and leaves no file.
        #expect(exported.filter { $0.status == 0 && $0.stdout.contains("written to") }.count == 1, "\(exported.map(\.stdout))")
        for r in exported where !(r.status == 0 && r.stdout.contains("written to")) {
            #expect((r.status == 0 && r.stdout.contains("Nothing to export")) || (r.status == 65 && r.stderr.contains("run the export again")),
                    "\(r.stdout) \(r.stderr)")
        }
        let files = ["desk1.csv", "desk2.csv"].filter { FileManager.default.fileExists(atPath: dir.path($0)) }
        #expect(files.count == 1)
        #expect(try await lab.int("SELECT count(*) FROM registryExport") == 1)
        let sent = try await lab.int("SELECT count(*) FROM registryRecord")
        let distinct = try await lab.int("SELECT count(DISTINCT (issueID, personLookup)) FROM registryRecord")
        #expect(sent > 0 && sent == distinct)
        let again = try await tld.run(export + ["--out", "desk3.csv"], in: dir.url)
        #expect(again.status == 0 && again.stdout.contains("Nothing to export"), "\(again.stdout) \(again.stderr)")
    }
}

/// Puts a SQLite lab's rows into a migrated PostgreSQL lab as they are (ids kept), for tests of
/// commands whose data PostgreSQL cannot make yet. Triggers and foreign keys are off while it loads
/// (`session_replication_role = replica`, the tests' cluster user is its superuser); reference rows the
/// migrations put in are replaced by the SQLite lab's.
enum PostgresLabLoader {
    static func load(sqlite path: String, into lab: PostgresTestLab, scratch: URL) async throws {
        let store = try SQLiteLabStore.open(path: path, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        var types: [String: [String: String]] = [:]
        for line in try await lab.lines("""
            SELECT table_name || '|' || column_name || '|' || data_type FROM information_schema.columns WHERE table_schema = '\(lab.schema)'
            """) {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if f.count == 3 { types[f[0], default: [:]][f[1]] = f[2] }
        }
        var sql = "SET search_path TO \(lab.schema);\nSET session_replication_role = replica;\nSET TIME ZONE 'UTC';\nBEGIN;\n"
        for table in try store.tableRowCounts().keys.sorted() {
            guard let columns = types[table.lowercased()] else { continue }
            let rows = try store.tableRows(table)
            let names = rows.columns.map { $0.lowercased() }
            guard names.allSatisfy({ columns[$0] != nil }) else { continue }
            sql += "DELETE FROM \(table.lowercased());\n"
            for start in stride(from: 0, to: rows.rows.count, by: 200) {
                let values = rows.rows[start..<min(start + 200, rows.rows.count)].map { row in
                    "(" + zip(row, names).map { literal($0, type: columns[$1] ?? "text") }.joined(separator: ", ") + ")"
                }
                sql += "INSERT INTO \(table.lowercased()) (\(names.joined(separator: ", "))) OVERRIDING SYSTEM VALUE VALUES\n"
                    + values.joined(separator: ",\n") + ";\n"
            }
            if columns["id"] == "bigint" {
                sql += "SELECT setval(pg_get_serial_sequence('\(table.lowercased())', 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) FROM \(table.lowercased());\n"
            }
        }
        sql += "COMMIT;\n"
        let file = scratch.appendingPathComponent("load.sql")
        try Data(sql.utf8).write(to: file)
        let r = try await PostgresTestLab.runInScratch(
            URL(fileURLWithPath: "/usr/bin/psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", lab.serverURL, "-f", file.path])
        guard r.status == 0 else { throw PostgresTestLab.QueryFailed(sql: "load \(path)", stderr: r.stderr) }
    }

    static func literal(_ value: LabTableValue, type: String) -> String {
        switch value {
        case .null: return "NULL"
        case let .integer(x): return type == "boolean" ? (x != 0 ? "true" : "false") : "'\(x)'::\(type)"
        case let .real(x): return "'\(x)'::\(type)"
        case let .text(s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'::\(type)"
        case let .blob(b): return "'\\x" + b.map { String(format: "%02x", $0) }.joined() + "'::bytea"
        }
    }
}
