import Foundation
import TestSupport
import Testing

/// End to end on a lab built from an empty directory by `tld demo` (import of examples/lab-import.csv,
/// dispatch, intake with a handover and a missing card, readout on the simulator, review, release):
/// the person's dose record and assigned doses.
@Suite("tld history and tld assign", .serialized)
struct DoseRecordsEndToEndTests {
    static let common = ["--database", "lab.sqlite"]

    /// The demo's lab; Anna Andersen (010180-1001) also becomes a wearer of K-1002, with a card sent.
    static func lab() async throws -> (TemporaryDirectory, ProductRunner) {
        let dir = try TemporaryDirectory("tld-records")
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out"] + common, in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        let add = try await tld.run(["wearer", "add", "--customer", "K-1002", "--name", "Andersen, Anna", "--national-id", "010180-1001"] + common, in: dir.url)
        #expect(add.status == 0, "stderr: \(add.stderr)")
        let wearer = try #require(add.stdout.split(separator: " ").dropFirst().first.map(String.init))
        let enrol = try await tld.run(["enrolment", "add", "--wearer", wearer, "--type", "whole-body", "--period", "1m", "--start", "2027-03-01"] + common, in: dir.url)
        #expect(enrol.status == 0, "stderr: \(enrol.stderr)")
        let dispatch = try await tld.run(["dispatch", "--on", "2027-02-22", "--out", "out/d2"] + common, in: dir.url)
        #expect(dispatch.status == 0, "stderr: \(dispatch.stderr)")
        return (dir, tld)
    }

    static func rows(_ csv: String) -> [[String]] { Array(CSVFields.rows(csv).dropFirst()) }

    @Test("history: by national ID across two customers, by wearer number; a handed-over card on the wearer's record; sums; ID shown as 4 digits")
    func history() async throws {
        let (dir, tld) = try await Self.lab()
        defer { dir.cleanup() }
        let db = dir.path("lab.sqlite")

        // Anna Andersen: her K-1001 periods and the K-1002 card sent for March.
        let anna = try await tld.run(["history", "--national-id", "010180-1001", "--format", "csv", "--on", "2027-05-10"] + Self.common, in: dir.url)
        #expect(anna.status == 0, "stderr: \(anna.stderr)")
        #expect(!anna.stdout.contains("010180") && !anna.stdout.contains("1001-") )
        let annaRows = Self.rows(anna.stdout)
        #expect(Set(annaRows.map { $0[0] }) == ["K-1001", "K-1002"], "\(annaRows)")
        let march = try #require(annaRows.first { $0[0] == "K-1002" })
        #expect(march[4] == "2027-03-01" && march[8] == "not returned")
        // Her released K-1001 doses are the ones in the database.
        let released = try await LabDatabaseQuery.lines(db, """
            SELECT printf('%.4f', d.hp10MilliSievert) FROM doseResult d JOIN cardIssue i ON i.batchID = d.batchID AND i.cardID = d.cardID
            JOIN enrolment e ON e.id = i.enrolmentID JOIN wearer w ON w.id = e.wearerID
            WHERE w.name = 'Andersen, Anna' AND w.customerID = 'K-1001' AND d.supersededAt IS NULL AND d.state = 'released'
            """)
        #expect(!released.isEmpty)
        for value in released { #expect(annaRows.contains { $0[6] == value || $0[6].hasPrefix("<") }, "\(value) in \(annaRows)") }

        // The same record by either wearer number.
        let ids = try await LabDatabaseQuery.lines(db, "SELECT id FROM wearer WHERE name = 'Andersen, Anna' ORDER BY id")
        #expect(ids.count == 2)
        for id in ids {
            let byWearer = try await tld.run(["history", "--wearer", id, "--format", "csv", "--on", "2027-05-10"] + Self.common, in: dir.url)
            #expect(byWearer.stdout == anna.stdout)
        }

        // The card Iversen handed over to Karen Kristensen: her record has the dose, his says handed over.
        let karen = try await tld.run(["history", "--national-id", "080888-8888", "--format", "csv"] + Self.common, in: dir.url)
        let karenRow = try #require(Self.rows(karen.stdout).first { $0[3] == "10000024" }, "\(karen.stdout)")
        #expect(["measured", "below detection limit"].contains(karenRow[8]) && karenRow[10].contains("handed over to this person"))
        let iversen = try await tld.run(["history", "--national-id", "080875-1009", "--format", "csv"] + Self.common, in: dir.url)
        let iversenRow = try #require(Self.rows(iversen.stdout).first { $0[3] == "10000024" })
        #expect(iversenRow[8] == "handed over" && iversenRow[6].isEmpty)

        // Table: sums, the ID as its first 4 digits.
        let table = try await tld.run(["history", "--national-id", "080888-8888", "--on", "2027-02-15"] + Self.common, in: dir.url)
        #expect(table.status == 0)
        #expect(table.stdout.contains("0808******") && !table.stdout.contains("080888-8888"))
        #expect(table.stdout.contains("quarter 2027-Q1") && table.stdout.contains("lifetime") && table.stdout.contains("5 years 2023–2027"))
        let json = try await tld.run(["history", "--wearer", ids[0], "--format", "json"] + Self.common, in: dir.url)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["periods"] as? [Any])?.count == annaRows.count)

        // Errors: neither or both, an unknown person, a malformed ID (never echoed).
        let none = try await tld.run(["history"] + Self.common, in: dir.url)
        #expect(none.status == 64)
        let unknown = try await tld.run(["history", "--national-id", "311299-9999"] + Self.common, in: dir.url)
        #expect(unknown.status == 65 && unknown.stderr.contains("no wearer has this national ID"))
        let bad = try await tld.run(["history", "--national-id", "999999-12"] + Self.common, in: dir.url)
        #expect(bad.status == 65 && !bad.stderr.contains("999999-12"))
    }

    @Test("assign: method (c) refused without a colleague of the same period; a notional dose marked on the record and the result list; refusals")
    func assign() async throws {
        let (dir, tld) = try await Self.lab()
        defer { dir.cleanup() }
        let db = dir.path("lab.sqlite")
        // The demo's missing card (40000010, a shoulder card) and a colleague with a released shoulder dose of the same period.
        let missing = try #require(try await LabDatabaseQuery.lines(db, "SELECT id || ' ' || periodStart || ' ' || periodEnd FROM cardIssue WHERE cardID = '40000010' AND returnID IS NULL").first)
        let parts = missing.split(separator: " ").map(String.init)
        let colleague = try await LabDatabaseQuery.lines(db, """
            SELECT e.wearerID || ' ' || printf('%.4f', d.hp10MilliSievert) FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
            JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL AND d.state = 'released'
            WHERE i.customerID = 'K-1001' AND i.periodStart = '\(parts[1])' AND i.periodEnd = '\(parts[2])' AND e.dosimeterType = 'wholeBody'
            ORDER BY d.hp10MilliSievert DESC
            """)
        // Shoulder cards have no colleague here: method (c) refuses; a notional dose is taken instead.
        let wholeBodyColleague = try #require(colleague.first).split(separator: " ").map(String.init)
        let refused = try await tld.run(["assign", "--issue", parts[0], "--colleague", wholeBodyColleague[0], "--on", "2027-03-10", "--who", "Dr. P", "--why", "card lost"] + Self.common, in: dir.url)
        #expect(refused.status == 65 && refused.stderr.contains("no released dose of the same dosimeter type"), "\(refused.stderr)")
        let noWhy = try await tld.run(["assign", "--issue", parts[0], "--notional-mSv", "0.3", "--on", "2027-03-10", "--who", "Dr. P", "--why", " "] + Self.common, in: dir.url)
        #expect(noWhy.status == 64)
        let notional = try await tld.run(["assign", "--issue", parts[0], "--notional-mSv", "0.3", "--on", "2027-03-10", "--who", "Dr. P", "--why", "card lost; workplace monitoring"] + Self.common, in: dir.url)
        #expect(notional.status == 0, "stderr: \(notional.stderr)")
        #expect(notional.stdout.contains("ASSIGNED dose (notional dose; dosimeter not returned) by Dr. P"))
        let again = try await tld.run(["assign", "--issue", parts[0], "--notional-mSv", "0.5", "--on", "2027-03-10", "--who", "Dr. P", "--why", "again"] + Self.common, in: dir.url)
        #expect(again.status == 65 && again.stderr.contains("already has an assigned dose"), "\(again.stderr)")
        // A measured period is refused.
        let measuredIssue = try #require(try await LabDatabaseQuery.lines(db, "SELECT i.id FROM cardIssue i JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID WHERE d.hp10MilliSievert IS NOT NULL LIMIT 1").first)
        let measured = try await tld.run(["assign", "--issue", measuredIssue, "--notional-mSv", "0.5", "--on", "2027-03-10", "--who", "Dr. P", "--why", "x"] + Self.common, in: dir.url)
        #expect(measured.status == 65 && measured.stderr.contains("measured dose"))

        // On the person's record: assigned, counted, marked.
        let owner = try #require(try await LabDatabaseQuery.lines(db, "SELECT e.wearerID FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE i.id = \(parts[0])").first)
        let record = try await tld.run(["history", "--wearer", owner, "--format", "csv"] + Self.common, in: dir.url)
        let row = try #require(Self.rows(record.stdout).first { $0[9] == parts[0] })
        #expect(row[8] == "assigned" && row[6] == "0.3000" && row[10].contains("ASSIGNED dose"))
        // On the result list: status assigned, the dose and the remark.
        let results = try await tld.run(["results", "--customer", "K-1001", "--from", "2026-12-01", "--period-end", "2027-01-31", "--out", "r2"] + Self.common, in: dir.url)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let csv = try RepoPaths.text(dir.url.appendingPathComponent("r2/results-K-1001-2027-01-31.csv"))
        let line = try #require(CSVFields.rows(csv).first { $0.count > 3 && $0[3] == "40000010" })
        #expect(line[8] == "assigned" && line[7] == "0.3000" && line[9].contains("ASSIGNED dose"), "\(line)")
        let text = try RepoPaths.text(dir.url.appendingPathComponent("r2/results-K-1001-2027-01-31.txt"))
        #expect(text.contains("ASSIGNED dose"))
    }
}
