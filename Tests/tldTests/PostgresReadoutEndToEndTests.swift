import Foundation
import TestSupport
import Testing

/// End-to-end on PostgreSQL (issue 15): the real `tld` reads the simulated reader into a PostgreSQL
/// database on the tests' private cluster (scripts/pg-test-cluster.sh).
@Suite("tld readout on PostgreSQL, end to end", .serialized, .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
struct PostgresReadoutEndToEndTests {
    @Test("tld readout --simulate --database postgres:// stores exactly the curves SQLite stores, once; a command PostgreSQL lacks a role for refuses it")
    func readoutIntoPostgres() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-pg-e2e")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")

        let empty = try await tld.run(["db", "status", "--database", lab.url], in: dir.url)
        #expect(empty.status == 0, "stderr: \(empty.stderr)")
        // Every migration of the whole schema (docs/postgresql.md), from the readout's to the portal's.
        let known = empty.stdout.split(separator: "\n").filter { $0.hasPrefix("  pending  ") }.count
        #expect(known >= 6)
        #expect(empty.stdout.contains("0 migrations applied, \(known) pending"))
        #expect(empty.stdout.contains("pending  pg1-readout"))
        #expect(empty.stdout.contains("pending  v15-pgdose15"))
        #expect(empty.stdout.contains("pending  v15-pgschema15-portal"))
        #expect(!empty.stdout.contains("Holds"))

        let r = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--database", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("50 cards read in this run, 199 elements stored"))
        // Evaluated there as on SQLite.
        #expect(!r.stderr.contains("not evaluated"), "\(r.stderr)")

        // The same magazine into SQLite: PostgreSQL holds the same elements with the same raw curves.
        let sqliteDir = try TemporaryDirectory("tld-pg-e2e-sqlite")
        defer { sqliteDir.cleanup() }
        let reference = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--format", "csv"], in: sqliteDir.url)
        #expect(reference.status == 0, "stderr: \(reference.stderr)")
        let sqliteRows = try await SQLiteQuery.lines(sqliteDir.path("tld.sqlite"), """
            SELECT cardID || '|' || element || '|' || status || '|' || ifnull(hex(counts), '') || '|' || ifnull(hex(temperatures), '')
                   || '|' || ifnull(readerCurveCRC32, '') FROM elementReading ORDER BY cardID, element
            """)
        let postgresRows = try await lab.lines("""
            SELECT cardID || '|' || element || '|' || status || '|' || coalesce(upper(encode(counts, 'hex')), '') || '|'
                   || coalesce(upper(encode(temperatures, 'hex')), '') || '|' || coalesce(readerCurveCRC32::text, '')
            FROM elementReading ORDER BY cardID COLLATE "C", element
            """)
        #expect(postgresRows.count == 200)
        #expect(postgresRows == sqliteRows)
        #expect(try await lab.lines("SELECT state || '|' || evaluation FROM readoutBatch") == ["complete|evaluated"])

        // Again: the magazine is empty, nothing is read or stored twice.
        let again = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--database", lab.url], in: dir.url)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(again.stderr.contains("no card to read"))
        #expect(try await lab.int("SELECT count(*) FROM elementReading") == 200)

        // The database refuses what the code would refuse: a raw reading cannot be changed or deleted.
        let update = try await PostgresTestLab.psql(lab.serverURL, "SET search_path TO \(lab.schema); UPDATE elementReading SET element = element")
        #expect(update.status != 0)
        #expect(update.stderr.contains("element readings are immutable"))

        let status = try await tld.run(["db", "status", "--database", lab.url], in: dir.url)
        #expect(status.stdout.contains("\(known) migrations applied, 0 pending"))
        #expect(status.stdout.contains("Holds 1 readout batches (0 open), element readings: 199 stored, "), "\(status.stdout)")
        let doses = try await lab.int("SELECT count(*) FROM doseResult")
        #expect(doses == 50)
        #expect(status.stdout.contains("; \(doses) dose versions (\(doses) current, 0 released); "), "\(status.stdout)")

        // A command that takes a SQLite file of its own refuses a postgres:// value in one line (exit 69)
        // instead of taking it as a file name; no SQLite file is created. (Every command on the lab's
        // database runs on PostgreSQL: the store has every role.)
        let refused = try await tld.run(["typetest", "--database", lab.url, "--output", "typetest"], in: dir.url)
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(refused.stderr.contains("takes a SQLite file; the PostgreSQL backend does not support it"), "\(refused.stderr)")
        #expect(refused.stderr.split(whereSeparator: \.isNewline).count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.path("tld.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("typetest")))

        let bad = try await tld.run(["readout", "--simulate", "--database", "postgres://nobody"], in: dir.url)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("not a usable PostgreSQL URL"))
    }

    /// `digits` with its Luhn check digit appended (card IDs carry one).
    static func luhn(_ digits: String) -> String {
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            var d = c.wholeNumberValue ?? 0
            if i % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return digits + String((10 - sum % 10) % 10)
    }

    /// Waits (polling the other processes' writes, at most 30 s) until the lab holds `count` element
    /// readings, then crashes the test's own cluster (`pg_ctl stop -m immediate`) and starts it again.
    /// Returns the count seen just before the crash.
    static func crashAndRestart(_ lab: PostgresTestLab, cluster: PostgresTestLab.PrivateCluster, afterReadings count: Int) async throws -> Int {
        var stored = 0
        var failures: [String] = []
        for _ in 0..<600 where stored < count {
            do {
                stored = try await lab.int("SELECT count(*) FROM elementReading")
            } catch {
                // Before the first bench has migrated the table is missing; anything else is worth seeing.
                if !failures.contains("\(error)") { failures.append("\(error)") }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if stored < count || stored >= 1_200 { print("crashAndRestart: polled \(stored) readings; poll failures: \(failures)") }
        let crash = try await cluster.run("crash")
        #expect(crash.status == 0, "crash: \(crash.stderr)")
        let restart = try await cluster.run("restart")
        #expect(restart.status == 0, "restart: \(restart.stderr)")
        return stored
    }

    /// A scenario of `cards` worker cards (4 elements each) on a reader of its own.
    static func benchScenario(bench: Int, cards: Int) throws -> Data {
        let builtin = try JSONSerialization.jsonObject(with: Data(contentsOf: RepoPaths.file("simulators/TLSimulator/Resources/builtin-shipment.json")))
        guard var scenario = builtin as? [String: Any], var reader = scenario["reader"] as? [String: Any] else {
            throw MissingFixture(path: "builtin-shipment.json", underlying: "not a scenario")
        }
        reader["serial"] = "TL0070\(bench)"
        scenario["reader"] = reader
        scenario["seed"] = 20_261_200 + bench
        scenario["cards"] = (0..<cards).map { i -> [String: Any] in
            ["id": luhn(String(format: "3%d%05d", bench, i)), "role": "worker", "hp10MilliSievert": 0.5 + Double(i % 7) / 10,
             "hp007MilliSievert": 0.5 + Double(i % 5) / 10, "quality": "S-Cs", "daysSinceAnneal": 30]
        }
        return try JSONSerialization.data(withJSONObject: scenario, options: [.sortedKeys])
    }

    @Test("three benches × 100 cards into one PostgreSQL at once, the server stopped abruptly mid-run and started again: the same three processes finish, 1 200 readings, each stored once, none lost")
    func threeBenchesAndACrash() async throws {
        try await PostgresTestLab.PrivateCluster.with { try await threeBenchesAndACrash(on: $0) }
    }

    func threeBenchesAndACrash(on cluster: PostgresTestLab.PrivateCluster) async throws {
        let lab = try await PostgresTestLab.create(on: cluster.url)
        let tld = try ProductRunner(product: "tld")
        let benches = try (1...3).map { bench -> TemporaryDirectory in
            let dir = try TemporaryDirectory("tld-pg-bench\(bench)")
            try Self.benchScenario(bench: bench, cards: 100).write(to: dir.url.appendingPathComponent("scenario.json"))
            return dir
        }
        defer { for bench in benches { bench.cleanup() } }
        let arguments = ["readout", "--simulate", "--scenario", "scenario.json", "--speed-ms", "8", "--database", lab.url]

        // The three benches at once; PostgreSQL is stopped with -m immediate (a crash: no shutdown
        // checkpoint) while they are storing, then started again (WAL recovery). Each bench holds the
        // curve in hand in its reader, waits for the database and goes on: no bench is run again.
        var crashedAt = 0
        let firstRound = try await withThrowingTaskGroup(of: ProductRunner.Result.self) { group in
            for bench in benches { group.addTask { try await tld.run(arguments, in: bench.url) } }
            let stored = try await Self.crashAndRestart(lab, cluster: cluster, afterReadings: 300)
            crashedAt = stored
            var results: [ProductRunner.Result] = []
            for try await r in group { results.append(r) }
            return results
        }
        #expect(crashedAt >= 300 && crashedAt < 1_200, "the crash came at \(crashedAt) of 1 200 readings")
        let afterCrash = try await lab.int("SELECT count(*) FROM elementReading")
        #expect(afterCrash >= crashedAt, "committed readings survive the crash: \(afterCrash) after, \(crashedAt) seen before")
        for r in firstRound {
            #expect(r.status == 0, "a bench stopped instead of waiting for the database: \(r.status) \(r.stderr.suffix(600))")
            #expect(r.stderr.contains("100 cards read in this run, 400 elements stored"), "\(r.stderr.suffix(600))")
            // One line when the database went away (with what the reader holds), one when it was back.
            let lost = r.stderr.components(separatedBy: "database unavailable").count - 1
            let back = r.stderr.components(separatedBy: "database is back").count - 1
            #expect(lost == back, "\(r.stderr.suffix(600))")
            #expect(!r.stderr.contains("Resumed batch"), "a new batch, read in one run: \(r.stderr.suffix(600))")
        }
        #expect(firstRound.contains { $0.stderr.contains("database unavailable") && $0.stderr.contains("is held by the reader (not released)") },
                "some bench must have lost the database: \(firstRound.map { $0.stderr.suffix(400) })")

        #expect(try await lab.lines("SELECT readerSerial || '|' || state FROM readoutBatch ORDER BY readerSerial")
                == ["TL00701|complete", "TL00702|complete", "TL00703|complete"])
        #expect(try await lab.int("SELECT count(*) FROM elementReading") == 1_200)
        #expect(try await lab.int("SELECT count(DISTINCT (batchID, cardID, element)) FROM elementReading") == 1_200)
        #expect(try await lab.lines("SELECT status || '|' || count(*) FROM elementReading GROUP BY status") == ["stored|1200"])
        #expect(try await lab.lines("SELECT b.readerSerial || '|' || count(*) FROM elementReading r JOIN readoutBatch b ON b.id = r.batchID GROUP BY b.readerSerial ORDER BY b.readerSerial")
                == ["TL00701|400", "TL00702|400", "TL00703|400"])
    }

    @Test("--database-retry-seconds 0: a bench that loses PostgreSQL stops at once (exit 75) with the curve held; the same command resumes the batch, every reading once")
    func noRetryStopsAndResumes() async throws {
        try await PostgresTestLab.PrivateCluster.with { try await noRetryStopsAndResumes(on: $0) }
    }

    func noRetryStopsAndResumes(on cluster: PostgresTestLab.PrivateCluster) async throws {
        let lab = try await PostgresTestLab.create(on: cluster.url)
        let tld = try ProductRunner(product: "tld")
        let dir = try TemporaryDirectory("tld-pg-noretry")
        defer { dir.cleanup() }
        try Self.benchScenario(bench: 4, cards: 40).write(to: dir.url.appendingPathComponent("scenario.json"))
        let arguments = ["readout", "--simulate", "--scenario", "scenario.json", "--speed-ms", "8", "--database", lab.url,
                         "--database-retry-seconds", "0"]
        let first = try await withThrowingTaskGroup(of: ProductRunner.Result.self) { group in
            group.addTask { try await tld.run(arguments, in: dir.url) }
            _ = try await Self.crashAndRestart(lab, cluster: cluster, afterReadings: 40)
            var results: [ProductRunner.Result] = []
            for try await r in group { results.append(r) }
            return results[0]
        }
        #expect(first.status == 75, "\(first.stderr.suffix(400))")
        #expect(first.stderr.contains("readout stopped"))
        #expect(!first.stderr.contains("retrying"))
        let again = try await tld.run(arguments, in: dir.url)
        #expect(again.status == 0, "\(again.stderr.suffix(400))")
        #expect(again.stderr.contains("Resumed batch"))
        #expect(try await lab.int("SELECT count(*) FROM elementReading") == 160)
        #expect(try await lab.int("SELECT count(DISTINCT (cardID, element)) FROM elementReading WHERE status = 'stored'") == 160)
    }
}
