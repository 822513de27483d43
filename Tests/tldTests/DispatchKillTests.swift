import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing

/// `tld dispatch` killed (SIGKILL) at random moments loses nothing, and the rerun finishes the day
/// with exactly the allocation of an uninterrupted run: nothing sent twice, no shipment half made.
@Suite("tld dispatch killed mid-run", .serialized)
struct DispatchKillTests {
    /// 60 customers with 4 new whole-body enrolments each, 260 cards, prices.
    static func seed(_ path: String) throws {
        let logger = Logger(label: "seed", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteLabStore.open(path: path, logger: logger)
        let protector = try NationalIDProtector(masterKey: DispatchEndToEndTests.key)
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: try CalendarDay(parsing: "2027-01-01"), priceMinorUnits: 12_500))
        try store.addCards((1...260).map { Card(id: String(format: "3%07d", $0), dosimeterType: .wholeBody, stateChangedAt: Date()) })
        for c in 1...60 {
            let customer = String(format: "K-%04d", c)
            _ = try store.saveCustomer(Customer(id: customer, name: "Klinik \(c)"))
            for w in 0..<4 {
                let wearer = try store.addWearer(customerID: customer, name: "Wearer \(c)-\(w)",
                                                 nationalID: try protector.protect(String(format: "0101%02d-%04d", 50 + w, c)))
                _ = try store.enrol(Enrolment(wearerID: try #require(wearer.id), customerID: customer, dosimeterType: .wholeBody,
                                              periodLength: .oneMonth, startDate: try CalendarDay(parsing: "2027-04-01"),
                                              orderedOn: try CalendarDay(parsing: "2027-03-10")))
            }
        }
    }

    static let allocation = "SELECT enrolmentID || ' ' || cardID || ' ' || periodStart FROM cardIssue ORDER BY enrolmentID"
    /// Shipments without cards, issues without their charge, cards issued but not on an issue.
    static let halfMade = """
        SELECT (SELECT count(*) FROM shipment WHERE id NOT IN (SELECT shipmentID FROM cardIssue))
             + (SELECT count(*) FROM cardIssue WHERE id NOT IN (SELECT issueID FROM charge WHERE kind = 'cardSent'))
             + (SELECT count(*) FROM card WHERE state = 'issued' AND currentIssueID IS NULL)
             + (SELECT count(*) FROM card WHERE state = 'available' AND id IN (SELECT cardID FROM cardIssue))
        """

    @Test("killed at random moments, then a clean finish with the uninterrupted run's allocation and every document")
    func killAndRerun() async throws {
        let tld = try ProductRunner(product: "tld")
        let env = DispatchEndToEndTests.environment
        let args = ["dispatch", "--on", "2027-03-10", "--out", "out", "--database", "lab.sqlite"]
        let reference = try TemporaryDirectory("tld-dispatch-ref")
        defer { reference.cleanup() }
        try Self.seed(reference.path("lab.sqlite"))
        let clock = ContinuousClock()
        let started = clock.now
        let clean = try await tld.run(args, in: reference.url, environment: env)
        // Kill moments drawn from the length of an uninterrupted run, so that most runs die mid-way.
        let cleanMilliseconds = max(30, Int(started.duration(to: clock.now).components.seconds * 1000
                                             + started.duration(to: clock.now).components.attoseconds / 1_000_000_000_000_000))
        #expect(clean.status == 0 && clean.stdout.contains("240 cards in 60 new shipments"), "\(clean.stdout) \(clean.stderr)")
        let expected = try await LabDatabaseQuery.lines(reference.path("lab.sqlite"), Self.allocation)
        #expect(expected.count == 240)

        let dir = try TemporaryDirectory("tld-dispatch-kill")
        defer { dir.cleanup() }
        let db = dir.path("lab.sqlite")
        try Self.seed(db)
        // The window to kill in is the shortest uninterrupted run seen so far: a run that finishes
        // before any kill landed (the reference run was slow on a loaded machine) narrows the window
        // and starts again on a fresh database, so that the test always kills runs mid-way.
        var window = cleanMilliseconds
        var killed = 0, runs = 0, previous = 0, restarts = 0
        var rng = SystemRandomNumberGenerator()
        while killed < 12 && runs < 60 {
            runs += 1
            let runStarted = clock.now
            let r = try await tld.run(args, in: dir.url, killAfter: .milliseconds(Int.random(in: 10...max(11, window * 9 / 10), using: &rng)), environment: env)
            let took = runStarted.duration(to: clock.now)
            if r.signal != nil { killed += 1 } else { #expect(r.status == 0, "run \(runs): \(r.stderr)") }
            #expect(try await LabDatabaseQuery.lines(db, Self.halfMade) == ["0"], "run \(runs): a shipment half made")
            let issued = try await LabDatabaseQuery.lines(db, Self.allocation)
            #expect(issued.count >= previous, "run \(runs): an issue vanished")
            #expect(Set(issued).isSubset(of: Set(expected)), "run \(runs): a card went to another enrolment than in the clean run")
            previous = issued.count
            if r.signal == nil {
                if killed > 0 || restarts >= 5 { break }
                restarts += 1
                window = max(20, min(window, Int(took.components.seconds * 1000 + took.components.attoseconds / 1_000_000_000_000_000)))
                try FileManager.default.removeItem(atPath: dir.path("out"))
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: db + suffix) {
                    try FileManager.default.removeItem(atPath: db + suffix)
                }
                try Self.seed(db)
                previous = 0
            }
        }
        let finish = try await tld.run(args, in: dir.url, environment: env)
        #expect(finish.status == 0, "stderr: \(finish.stderr)")
        #expect(try await LabDatabaseQuery.lines(db, Self.allocation) == expected)
        #expect(try await LabDatabaseQuery.lines(db, "SELECT count(*) FROM shipment") == ["60"])
        let documents = try FileManager.default.contentsOfDirectory(atPath: dir.path("out"))
        #expect(documents.filter { $0.hasSuffix(".csv") }.count == 60 && documents.filter { $0.hasPrefix("labels-") }.count == 60)
        #expect(documents.count == 60 * 5, "nothing left over from the killed runs: \(documents.filter { $0.hasPrefix(".") })")
        let again = try await tld.run(args, in: dir.url, environment: env)
        #expect(again.stdout.contains("0 cards in 0 new shipments (60 sent earlier today)"))
        #expect(killed > 0, "no run was killed mid-way: \(runs) runs")
    }
}
