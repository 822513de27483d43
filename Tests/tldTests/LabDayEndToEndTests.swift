import Foundation
import LabStore
import TestSupport
import Testing

/// Issue 13: cases, notifications and their deadlines are dated on the lab's day (`--on DAY` of
/// `tld readout`, `evaluate`, `review`, `release`, `cases`, `notifications`), not on the wall clock:
/// a lab entering July's work in August, or the demo playing 2027, gets that day's deadlines.
@Suite("Lab day: cases and notifications dated --on", .serialized)
struct LabDayEndToEndTests {
    @Test("cases open on the readout's lab day, notifications on the release's, deadlines and OVERDUE against --on")
    func datedOnTheLabDay() async throws {
        let dir = try TemporaryDirectory("tld-labday")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("lab.sqlite")
        let common = ["--database", "lab.sqlite"]
        let cards = try CasesEndToEndTests.seed(db)
        let q = { (sql: String) async throws -> [String] in try await LabDatabaseQuery.lines(db, sql) }
        let holmJuly = try #require(cards["Holm, Anna K-1002"])
        // K-1001 releases up to 9 mSv without review (so tld release releases October's 8 mSv).
        let levels = try await tld.run(["levels", "set", "--customer", "K-1001", "--review-mSv", "9", "--report-mSv", "10", "--who", "J. Physicist",
                                        "--valid-from", "2026-01-01"] + common, in: dir.url)
        #expect(levels.status == 0, "stderr: \(levels.stderr)")

        // July at K-1002: Holm 8 mSv, read on 2026-08-05 (cases open: 30 days to investigate), accepted on 2026-08-06.
        try CasesEndToEndTests.returnCards(db, customer: "K-1002", cards: [holmJuly], on: "2026-08-04")
        try await CasesEndToEndTests.readOut(tld, dir, doses: [holmJuly: 8.0], group: "R-JUL", extra: ["--on", "2026-08-05"])
        #expect(try await q("SELECT DISTINCT openedOn || ' ' || deadline FROM levelCase") == ["2026-08-05 2026-09-04"])
        let dose = try #require(try await q("SELECT id FROM doseResult WHERE cardID = '\(holmJuly)'").first)
        let accepted = try await tld.run(["review", "--accept", dose, "--who", "Dr. P", "--why", "plausible", "--on", "2026-08-06"] + common, in: dir.url)
        #expect(accepted.status == 0, "stderr: \(accepted.stderr)")

        // October at K-1001: Holm 8 more (her year above 15 mSv across both customers), read 2026-11-04,
        // released 2026-11-05: the notification is raised on the release day, due that day.
        let holmOct = try #require(cards["Holm, Anna K-1001"])
        try CasesEndToEndTests.returnCards(db, customer: "K-1001", cards: [holmOct], on: "2026-11-03")
        try await CasesEndToEndTests.readOut(tld, dir, doses: [holmOct: 8.0], group: "R-OCT", extra: ["--on", "2026-11-04"])
        let released = try await tld.run(["release", "--batch", "R-OCT", "--on", "2026-11-05"] + common, in: dir.url)
        #expect(released.status == 0, "stderr: \(released.stderr)")
        #expect(try await q("SELECT n.raisedOn || ' ' || c.kind || ' ' || c.openedOn || ' ' || c.deadline FROM authorityNotification n JOIN levelCase c ON c.id = n.caseID")
                == ["2026-11-05 notifiable-year 2026-11-04 2026-11-04"])
        #expect(try await q("SELECT count(*) FROM levelCase WHERE openedOn = '\(CasesEndToEndTests.utcToday)'") == ["0"])

        // tld cases and tld notifications on a lab day: what is overdue then.
        let onDue = try await tld.run(["cases", "--on", "2026-09-04"] + common, in: dir.url)
        #expect(onDue.status == 0 && onDue.stdout.contains("2026-09-04") && !onDue.stdout.contains("OVERDUE"), "\(onDue.stdout)")
        let later = try await tld.run(["cases", "--on", "2026-11-06"] + common, in: dir.url)
        #expect(later.stdout.split(separator: "\n").filter { $0.contains("2026-Q3") }.allSatisfy { $0.contains("OVERDUE") })
        #expect(later.stdout.split(separator: "\n").contains { $0.contains("notifiable-year") && $0.contains("OVERDUE") && $0.contains("NOTIFY") })
        let list = try await tld.run(["notifications", "list", "--on", "2026-11-05"] + common, in: dir.url)
        #expect(list.status == 0 && list.stdout.contains("2026-11-05") && list.stdout.contains("NOT SENT"), "\(list.stdout) \(list.stderr)")
        let notice = try #require(try await q("SELECT id FROM authorityNotification").first)
        let sent = try await tld.run(["notifications", "mark-sent", notice, "--who", "Dr. P", "--how", "secure-email", "--on", "2026-11-05"] + common, in: dir.url)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        #expect(try await q("SELECT substr(sentAt, 1, 10) FROM authorityNotification") == ["2026-11-05"])
    }
}
