import Foundation
import TestSupport
import Testing

/// End-to-end: the real `tld` binary against the simulated reader on a pseudo-terminal.
@Suite("tld readout --simulate, end to end", .serialized)
struct ReadoutEndToEndTests {
    struct Truth: Decodable {
        struct Card: Decodable { let id: String; let role: String; let hp10MilliSievert: Double; let hp007MilliSievert: Double }
        let cards: [Card]
    }

    static func truth() throws -> [String: Truth.Card] {
        let data = try Data(contentsOf: RepoPaths.file("simulators/TLSimulator/Resources/builtin-shipment.json"))
        return Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(Truth.self, from: data).cards.map { ($0.id, $0) })
    }

    /// Rows of the CSV result list: card_id → (hp10, hp007, state, flags).
    static func parse(_ csv: String) -> [String: [String: String]] {
        var rows: [String: [String: String]] = [:]
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return rows }
        for line in lines.dropFirst() {
            // Remarks may be quoted and hold commas; the first seven fields never do.
            let cells = line.split(separator: ",", maxSplits: header.count - 1, omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells).map { ($0, $1) })
        }
        return rows
    }

    @Test("every Hp(10) ≥ 0.5 mSv is within ±10 % of the simulator's true dose")
    func doseAccuracy() async throws {
        let dir = try TemporaryDirectory("tld-e2e")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let r = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--format", "csv"], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let rows = Self.parse(r.stdout)
        let truth = try Self.truth()
        #expect(rows.count == truth.count)
        var checked = 0
        for (id, card) in truth where card.role == "worker" && card.hp10MilliSievert >= 0.5 {
            let row = try #require(rows[id], "card \(id) missing from the results")
            let measured = try #require(Double(row["hp10_msv"] ?? ""), "card \(id) has no Hp(10)")
            let relative = measured / card.hp10MilliSievert - 1
            #expect(abs(relative) <= 0.10, "card \(id): Hp(10) \(measured) mSv vs true \(card.hp10MilliSievert) mSv")
            checked += 1
        }
        #expect(checked >= 20)

        // Running again finds the magazine empty and shows the same stored results: nothing read twice.
        let again = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--format", "csv"], in: dir.url)
        #expect(again.status == 0)
        #expect(again.stderr.contains("no card to read"))
        #expect(Self.parse(again.stdout) == rows)
    }

    @Test("killing tld at random moments loses no stored reading and reads no element twice")
    func killAndResume() async throws {
        let dir = try TemporaryDirectory("tld-kill")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let db = dir.path("tld.sqlite")
        var rng = SystemRandomNumberGenerator()
        var previous: [String] = []
        var killedMidway = 0
        // Three kills at random moments, then a run to the end.
        for _ in 0..<3 {
            let after = Duration.milliseconds(Int.random(in: 300...2_500, using: &rng))
            let r = try await tld.run(["readout", "--simulate", "--speed-ms", "5", "--format", "csv"], in: dir.url, killAfter: after)
            if r.signal != nil { killedMidway += 1 }
            let now = try await SQLiteQuery.lines(db, "SELECT cardID || '/' || element || '/' || status || '/' || ifnull(hex(counts), '') FROM elementReading ORDER BY id")
            // Every reading stored before is still there, unchanged and in the same order.
            #expect(Array(now.prefix(previous.count)) == previous)
            previous = now
        }
        let final = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--format", "csv"], in: dir.url)
        #expect(final.status == 0, "stderr: \(final.stderr)")
        // The last run resumes when the kills left readings behind. A kill that landed before the first
        // element was stored (a slow start on a loaded machine) leaves nothing to resume: that run
        // reads the batch from its start, as a first run does.
        if killedMidway > 0 && !previous.isEmpty {
            #expect(final.stderr.contains("Resumed batch") || final.stderr.contains("no card to read"),
                    "\(previous.count) readings stored before the last run: \(final.stderr.suffix(600))")
        }
        let all = try await SQLiteQuery.lines(db, "SELECT cardID || '/' || element || '/' || status FROM elementReading ORDER BY id")
        #expect(Array(all.prefix(previous.count)) == previous.map { $0.split(separator: "/").prefix(3).joined(separator: "/") })
        // Every element of every card accounted for exactly once: 50 cards × 4 positions.
        let keys = all.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }
        #expect(keys.count == 200)
        #expect(Set(keys).count == 200)
        // A lost element never becomes a dose of zero: the quantity it carried is flagged not assessable
        // or taken from the other elements, and the card goes to review.
        let lost = try await SQLiteQuery.lines(db, "SELECT cardID || '/' || element FROM elementReading WHERE status = 'lost'")
        let rows = Self.parse(final.stdout)
        for entry in lost {
            let card = String(entry.split(separator: "/")[0])
            let row = try #require(rows[card])
            #expect(row["state"] == "needsReview", "card \(card) with a lost element: \(row)")
            #expect(row["flags"]?.contains("element-lost") == true)
        }
    }
}

/// Reads a SQLite database with the sqlite3 command-line tool, as an outside observer would.
enum SQLiteQuery {
    static func lines(_ path: String, _ sql: String) async throws -> [String] {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        let r = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run(["-readonly", path, sql], in: dir)
        return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }
}
