import Foundation
import LabStore
import TestSupport
import Testing

/// End to end: results due and turnaround on the demo's lab stopped for the physicist's review (the
/// flagged doses are not released, so their results are owed).
@Suite("tld results --due and --turnaround", .serialized)
struct ResultsTurnaroundEndToEndTests {
    static let common = ["--database", "lab.sqlite"]

    @Test("late on 5 March, due soon on 25 February, nothing on 5 February; the month's figures count them")
    func dueAndTurnaround() async throws {
        let dir = try TemporaryDirectory("tld-due")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out", "--physicist-reviews", "--review-level", "0.5"] + Self.common, in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        let db = dir.path("lab.sqlite")
        // Cards back whose dose is not released are owed: one month after the period when back by the
        // reminder day (period end + 1 month, clamped to the month's end), else one month after arrival.
        let owedRows = try await LabDatabaseQuery.lines(db, """
            SELECT i.cardID || ' ' || i.periodEnd || ' ' || i.arrivedOn FROM cardIssue i
            WHERE i.arrivedOn IS NOT NULL AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = i.batchID AND d.cardID = i.cardID
                AND d.supersededAt IS NULL AND d.state = 'released')
            ORDER BY i.cardID
            """).map { $0.split(separator: " ").map(String.init) }
        let owedDue = try owedRows.map { r -> (card: String, end: CalendarDay, due: CalendarDay) in
            let end = try CalendarDay(parsing: r[1]), arrived = try CalendarDay(parsing: r[2])
            return (r[0], end, arrived <= end.adding(months: 1) ? end.adding(months: 1) : arrived.adding(months: 1))
        }
        let owed = owedDue.map { "\($0.card) \($0.due)" }
        try #require(!owed.isEmpty)
        #expect(owed.contains("10000024 2027-03-03"))   // period 2026-12: back 3 February, after the reminder day

        let late = try await tld.run(["results", "--due", "--on", "2027-03-05", "--format", "csv"] + Self.common, in: dir.url)
        #expect(late.status == 0, "stderr: \(late.stderr)")
        let rows = Array(CSVFields.rows(late.stdout).dropFirst())
        #expect(rows.map { "\($0[4]) \($0[1])" }.sorted() == owed, "\(rows)")
        #expect(rows.allSatisfy { $0[0] == "late" && Int($0[2]) ?? 0 > 0 && $0[3] == "K-1001" })

        let soon = try await tld.run(["results", "--due", "--on", "2027-02-25", "--within", "7", "--format", "csv"] + Self.common, in: dir.url)
        let soonRows = Array(CSVFields.rows(soon.stdout).dropFirst())
        let soonOwed = owedDue.filter { $0.due >= (try? CalendarDay(parsing: "2027-02-25")) ?? $0.due
                                        && $0.due <= (try? CalendarDay(parsing: "2027-03-04")) ?? $0.due }.map { "\($0.card) \($0.due)" }
        #expect(!soonOwed.isEmpty)
        #expect(soonRows.filter { $0[0] == "due soon" }.map { "\($0[4]) \($0[1])" }.sorted() == soonOwed)
        let none = try await tld.run(["results", "--due", "--on", "2027-02-05", "--within", "7", "--format", "csv"] + Self.common, in: dir.url)
        #expect(CSVFields.rows(none.stdout).count == 1 && none.stdout.hasPrefix("state,due,days_past_due,"))

        let table = try await tld.run(["results", "--turnaround", "--year", "2027", "--on", "2027-03-05", "--format", "csv"] + Self.common, in: dir.url)
        #expect(table.status == 0, "stderr: \(table.stderr)")
        let months = Array(CSVFields.rows(table.stdout).dropFirst())
        #expect(months.count == 12)
        let jan = try #require(months.first { $0[0] == "2027-01" })
        let janIssues = try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM cardIssue WHERE periodEnd BETWEEN '2027-01-01' AND '2027-01-31'")
        #expect(jan[1] == janIssues.first)
        let janLate = owedDue.filter { $0.end.year == 2027 && $0.end.month == 1 && $0.due.description < "2027-03-05" }
        #expect(Int(jan[5]) == janLate.count && !janLate.isEmpty)   // open and late on 5 March

        let bad = try await tld.run(["results", "--turnaround"] + Self.common, in: dir.url)
        #expect(bad.status == 64 && bad.stderr.contains("--year"))
        let noCustomer = try await tld.run(["results", "--due", "--customer", "K-9999"] + Self.common, in: dir.url)
        #expect(noCustomer.status == 65)
    }
}
