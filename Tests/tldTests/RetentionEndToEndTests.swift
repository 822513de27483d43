import Foundation
import TestSupport
import Testing

/// End to end: retention dates, the archive export, and the database refusing early deletes.
@Suite("tld retention", .serialized)
struct RetentionEndToEndTests {
    static let common = ["--database", "lab.sqlite"]

    @Test("report: age 75 and 30 years after the last period; archive of those past it; deletes refused before it")
    func retention() async throws {
        let dir = try TemporaryDirectory("tld-retention")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let demo = try await tld.run(["demo", "--out", "out"] + Self.common, in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")
        // A person born in 1900 who was never monitored: past the retention date (age 75 in 1975).
        let old = try await tld.run(["wearer", "add", "--customer", "K-1002", "--name", "Old, Olga", "--national-id", "010100-1234"] + Self.common, in: dir.url)
        #expect(old.status == 0, "stderr: \(old.stderr)")

        let report = try await tld.run(["retention", "report", "--on", "2027-06-01", "--format", "csv"] + Self.common, in: dir.url)
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let rows = Array(CSVFields.rows(report.stdout).dropFirst())
        #expect(!report.stdout.contains("010180-1001") && !report.stdout.contains("0101801001"))
        let anna = try #require(rows.first { $0[0] == "Andersen, Anna" })
        // Born 1980-01-01 (75 in 2055); last period 2027-03-31: kept 30 years, to 2057-03-31.
        #expect(anna[1] == "0101******" && anna[3] == "1980-01-01" && anna[5] == "2027-03-31" && anna[6] == "2057-03-31" && anna[7] == "keep")
        let ib = try #require(rows.first { $0[0] == "Iversen, Ib" })
        #expect(ib[3] == "1975-08-08" && ib[6] == "2057-03-31")
        let olga = try #require(rows.first { $0[0] == "Old, Olga" })
        #expect(olga[3] == "1900-01-01" && olga[4] == "0" && olga[6] == "1975-01-01" && olga[7].hasPrefix("past"))
        #expect(rows.first?[0] == "Old, Olga")   // earliest retention date first

        let archive = try await tld.run(["retention", "archive", "--out", "archive", "--past-retention", "--on", "2027-06-01"] + Self.common, in: dir.url)
        #expect(archive.status == 0 && archive.stdout.contains("Archived 1 person(s)"), "\(archive.stdout) \(archive.stderr)")
        let annaArchive = try await tld.run(["retention", "archive", "--out", "archive", "--national-id", "010180-1001"] + Self.common, in: dir.url)
        #expect(annaArchive.status == 0, "stderr: \(annaArchive.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("archive")).sorted()
        #expect(files.count == 2)
        let annaFile = try #require(files.first { (try? RepoPaths.text(dir.url.appendingPathComponent("archive/\($0)")))?.contains("Andersen, Anna") == true })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.url.appendingPathComponent("archive/\(annaFile)"))) as? [String: Any])
        #expect(json["nationalID"] as? String == "0101******" && json["retentionDate"] as? String == "2057-03-31")
        #expect((json["periods"] as? [Any])?.isEmpty == false)
        let again = try await tld.run(["retention", "archive", "--out", "archive", "--national-id", "010180-1001"] + Self.common, in: dir.url)
        #expect(again.status == 73)   // never written over
        // The same person by an enrolment number (the person options of tld history): the same archive.
        let enrolment = try #require(try await LabDatabaseQuery.lines(dir.path("lab.sqlite"),
            "SELECT e.number FROM enrolment e JOIN wearer w ON w.id = e.wearerID WHERE w.name = 'Andersen, Anna' ORDER BY e.id LIMIT 1;").first)
        let byEnrolment = try await tld.run(["retention", "archive", "--out", "archive-2", "--enrolment", enrolment] + Self.common, in: dir.url)
        #expect(byEnrolment.status == 0, "stderr: \(byEnrolment.stderr)")
        #expect(try RepoPaths.text(dir.url.appendingPathComponent("archive-2/\(annaFile)"))
                == (try RepoPaths.text(dir.url.appendingPathComponent("archive/\(annaFile)"))))

        // The database: Anna is kept, Olga may go.
        let db = dir.path("lab.sqlite")
        let refused = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
            .run([db, "DELETE FROM wearer WHERE name = 'Andersen, Anna';"], in: dir.url)
        #expect(refused.status != 0 && refused.stderr.contains("retention date"), "\(refused.stderr)")
        #expect(try await LabDatabaseQuery.lines(db, "DELETE FROM wearer WHERE name = 'Old, Olga'; SELECT count(*) FROM wearer WHERE name = 'Old, Olga';") == ["0"])
    }

    @Test("archive chooses the person as tld history does: same options and help, same error for two at once; --past-retention or a person")
    func personOptions() async throws {
        let dir = try TemporaryDirectory("tld-retention-person")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let idHelp = "The person's national ID (CPR), or - to type it"
        for command in [["retention", "archive"], ["history"]] {
            let help = try await tld.run(command + ["--help"], in: dir.url)
            #expect(help.status == 0 && help.stdout.contains(idHelp) && help.stdout.contains("--enrolment <number>"), "\(help.stdout)")
            let two = try await tld.run(command + ["--out", "x", "--wearer", "1", "--national-id", "010180-1001"] + Self.common, in: dir.url)
            #expect(two.status == 64 && two.stderr.contains("Give one of --wearer, --national-id or --enrolment."), "\(two.stderr)")
        }
        let history = try await tld.run(["history"] + Self.common, in: dir.url)
        #expect(history.status == 64 && history.stderr.contains("Give one of --wearer, --national-id or --enrolment."), "\(history.stderr)")
        for options in [[String](), ["--past-retention", "--enrolment", "TILM-00000001"]] {
            let archive = try await tld.run(["retention", "archive", "--out", "x"] + options + Self.common, in: dir.url)
            #expect(archive.status == 64 && archive.stderr.contains("Give --past-retention or one person (--wearer, --national-id or --enrolment)."),
                    "\(archive.stderr)")
        }
    }
}
