import Foundation
import TestSupport
import Testing

/// Issue 13 item 7 end to end on the demo's lab (built from an empty directory by `tld demo`), with
/// Anna Andersen (010180-1001) also a wearer of K-1002: the result list v2 with her year-to-date and
/// lifetime sums from her record at both customers, the signature line, her own extract, and the
/// termination report of her K-1002 enrolment.
@Suite("Customer documents v2: tld results sums and signature, tld history --out, --termination", .serialized)
struct CustomerDocumentsEndToEndTests {
    static let common = DoseRecordsEndToEndTests.common

    static func pdfText(_ file: URL) async throws -> String {
        try await Poppler.text(file)
    }

    static func mSv(_ cell: String) -> Double { cell.hasPrefix("<") ? 0 : Double(cell) ?? 0 }

    @Test("results: year-to-date and lifetime from the person's record at every customer, columns 0-9 unchanged, signed by the releasing physicist or --physicist")
    func resultList() async throws {
        let (dir, tld) = try await DoseRecordsEndToEndTests.lab()
        defer { dir.cleanup() }
        let results = try await tld.run(["results", "--customer", "K-1001", "--from", "2026-12-01", "--period-end", "2027-01-31", "--out", "r",
                                         "--remark", "Two cards came back late."] + Self.common, in: dir.url)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let csv = CSVFields.rows(try RepoPaths.text(dir.url.appendingPathComponent("r/results-K-1001-2027-01-31.csv")))
        #expect(Array(csv[0].prefix(10)) == ["customer", "wearer", "enrolment", "card", "period_start", "period_end", "hp10_msv", "hp007_msv", "status", "remarks"])
        #expect(Array(csv[0].dropFirst(10)) == ["sums_year", "ytd_hp10_msv", "ytd_hp007_msv", "lifetime_hp10_msv", "lifetime_hp007_msv", "sums_remarks"])

        // Anna Andersen's whole-body lines against her record (tld history): the year to date and the
        // lifetime up to each line's period end, whole-body + neutron, <DL as 0.
        let history = DoseRecordsEndToEndTests.rows(try await tld.run(["history", "--national-id", "010180-1001", "--format", "csv"] + Self.common, in: dir.url).stdout)
        let annaLines = csv.dropFirst().filter { $0[1] == "Andersen, Anna" && !$0[6].isEmpty }
        #expect(!annaLines.isEmpty)
        for line in annaLines {
            let end = line[5], year = String(end.prefix(4))
            let counted = history.filter { ["whole-body", "neutron"].contains($0[2]) && ["measured", "assigned"].contains($0[8]) && $0[5] <= end }
            let ytd = counted.filter { $0[5].hasPrefix(year) }.map { Self.mSv($0[6]) }.reduce(0, +)
            let lifetime = counted.map { Self.mSv($0[6]) }.reduce(0, +)
            #expect(line[10] == year)
            #expect(abs((Double(line[11]) ?? -1) - ytd) < 1e-3, "ytd \(line) vs \(ytd)")
            #expect(abs((Double(line[13]) ?? -1) - lifetime) < 1e-3, "lifetime \(line) vs \(lifetime)")
            #expect((Double(line[11]) ?? 0) >= Self.mSv(line[6]) - 1e-9, "the year includes the period itself")
        }

        // Signed by the one physicist who released the demo's doses; the remark, the footnote, the issue date.
        let text = try RepoPaths.text(dir.url.appendingPathComponent("r/results-K-1001-2027-01-31.txt"))
        #expect(text.contains("Responsible physicist: demo physicist") && text.contains("Two cards came back late.") && text.contains("Conventions:"))
        let pdf = try await Self.pdfText(dir.url.appendingPathComponent("r/results-K-1001-2027-01-31.pdf"))
        let first = try #require(annaLines.first)
        for needle in ["Andersen, Anna", String(format: "%.2f", Double(first[11]) ?? -1), String(format: "%.2f", Double(first[13]) ?? -1),
                       "Name: demo physicist", "Two cards came back late.", "Lifetime"] {
            #expect(pdf.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!pdf.contains("010180-1001"))

        // --physicist names the responsible one instead.
        let signed = try await tld.run(["results", "--customer", "K-1001", "--from", "2026-12-01", "--period-end", "2027-01-31", "--out", "r",
                                        "--physicist", "Dr. Q"] + Self.common, in: dir.url)
        #expect(signed.status == 0 && signed.stdout.contains("Responsible physicist: Dr. Q"), "stderr: \(signed.stderr)")
        let blank = try await tld.run(["results", "--customer", "K-1001", "--out", "r", "--physicist", " "] + Self.common, in: dir.url)
        #expect(blank.status == 64)
    }

    @Test("history --out: the person's extract as text, HTML and A4 PDF; --termination after unenrol: draft while the last card is out")
    func extractAndTermination() async throws {
        let (dir, tld) = try await DoseRecordsEndToEndTests.lab()
        defer { dir.cleanup() }
        let db = dir.path("lab.sqlite")
        let extract = try await tld.run(["history", "--national-id", "010180-1001", "--on", "2027-05-10", "--out", "ex"] + Self.common, in: dir.url)
        #expect(extract.status == 0, "stderr: \(extract.stderr)")
        let ids = try await LabDatabaseQuery.lines(db, "SELECT id FROM wearer WHERE name = 'Andersen, Anna' ORDER BY id")
        let base = "ex/dose-record-W\(ids[0])-2027-05-10"
        for ext in ["txt", "html", "pdf"] { #expect(FileManager.default.fileExists(atPath: dir.path("\(base).\(ext)")), "\(base).\(ext)") }
        let pdf = try await Self.pdfText(dir.url.appendingPathComponent("\(base).pdf"))
        for needle in ["PERSONAL DOSE RECORD", "DR-W\(ids[0])-20270510", "Andersen, Anna", "0101******", "K-1001", "K-1002", "lifetime",
                       "5 years 2023–2027", "Conventions"] {
            #expect(pdf.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!pdf.contains("010180-1001"))
        // The lifetime sum on the extract is the one tld history shows.
        let json = try await tld.run(["history", "--national-id", "010180-1001", "--on", "2027-05-10", "--format", "json"] + Self.common, in: dir.url)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let lifetime = try #require((object["sums"] as? [[String: Any]])?.first { $0["window"] as? String == "lifetime" }?["personalHp10MilliSievert"] as? Double)
        #expect(pdf.contains(String(format: "%.2f", lifetime)))

        // Her K-1002 enrolment: no termination report before it ends; unenrol says where it is written.
        let number = try #require(try await LabDatabaseQuery.lines(db, """
            SELECT e.number FROM enrolment e JOIN wearer w ON w.id = e.wearerID WHERE w.customerID = 'K-1002' AND w.name = 'Andersen, Anna'
            """).first)
        let early = try await tld.run(["history", "--enrolment", number, "--termination", "--out", "t"] + Self.common, in: dir.url)
        #expect(early.status == 65 && early.stderr.contains("has not ended"), "\(early.stderr)")
        let unenrol = try await tld.run(["unenrol", number, "--name", "Andersen, Anna", "--on", "2027-03-31", "--received", "2027-03-01"] + Self.common, in: dir.url)
        #expect(unenrol.status == 0 && unenrol.stdout.contains("tld history --enrolment \(number) --termination"), "\(unenrol.stdout) \(unenrol.stderr)")
        let report = try await tld.run(["history", "--enrolment", number, "--termination", "--out", "t"] + Self.common, in: dir.url)
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let terminationPDF = try await Self.pdfText(dir.url.appendingPathComponent("t/termination-\(number).pdf"))
        for needle in ["TERMINATION REPORT", "TR-\(number)", "DRAFT", "K-1002", "ended 2027-03-31", "Andersen, Anna", "0101******",
                       "enrolment \(number)", "year 2027 to 2027-03-31", "lifetime to 2027-03-31", "still without a dose"] {
            #expect(terminationPDF.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!terminationPDF.contains("K-1001"), "only the K-1002 enrolment's periods")
        let terminationText = try RepoPaths.text(dir.url.appendingPathComponent("t/termination-\(number).txt"))
        #expect(terminationText.hasPrefix("DRAFT") && !terminationText.contains("010180"))
        let usage = try await tld.run(["history", "--wearer", ids[0], "--termination"] + Self.common, in: dir.url)
        #expect(usage.status == 64)
    }
}
