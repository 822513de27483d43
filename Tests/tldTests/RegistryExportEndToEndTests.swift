import Foundation
import LabWorkflow
import TestSupport
import Testing

/// End to end: the registry export on the demo's lab — export, validate, read back to the records the
/// log holds; nothing sent twice; a correction after an assigned dose; nothing of it in the logs.
@Suite("tld registry", .serialized)
struct RegistryExportEndToEndTests {
    static let common = DoseRecordsEndToEndTests.common

    @Test("export, validate, re-read; a second export sends nothing; an assigned dose goes out as a correction")
    func exportValidateCorrect() async throws {
        let (dir, tld) = try await DoseRecordsEndToEndTests.lab()
        defer { dir.cleanup() }
        let db = dir.path("lab.sqlite")
        let range = ["--from", "2026-12-01", "--to", "2027-01-31"]

        let first = try await tld.run(["registry", "export"] + range + ["--out", "reg1.csv", "--on", "2027-05-10", "--verbose"] + Self.common, in: dir.url)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.path("reg1.csv"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // Nothing of the file in the output or the log: no national ID, no name.
        for secret in ["0101801001", "080888", "Andersen"] {
            #expect(!first.stdout.contains(secret) && !first.stderr.contains(secret))
        }
        let validated = try await tld.run(["registry", "validate", "reg1.csv"], in: dir.url)
        #expect(validated.status == 0 && validated.stdout.contains("valid TLD-REGISTRY"), "\(validated.stdout) \(validated.stderr)")

        // Read back: the same records as the export log, with the full ID of the right person.
        let text = try RepoPaths.text(dir.url.appendingPathComponent("reg1.csv"))
        guard case let .success((header, records)) = RegistryFile.parse(text) else { Issue.record("does not parse"); return }
        #expect(header.exportNumber == 1)
        let logged = try await LabDatabaseQuery.lines(db, "SELECT id || ' ' || status || ' ' || CASE WHEN hp10MilliSievert IS NULL THEN '-' ELSE printf('%.4f', hp10MilliSievert) END FROM registryRecord ORDER BY id")
        #expect(records.map { "\($0.recordID) \(Self.status($0.status)) \($0.hp10MilliSievert.map { String(format: "%.4f", $0) } ?? "-")" } == logged)
        let karen = try #require(records.first { $0.name == "Kristensen, Karen" })
        #expect(karen.nationalID == "0808888888" && karen.birthDate?.description == "1888-08-08" && karen.status == .measured)  // 7th digit 8, year 88: 1888 (CPR rule)
        #expect(!records.contains { $0.name == "Iversen, Ib" && $0.periodEnd.description == "2026-12-31" })   // handed over: Karen's
        let missing = try #require(records.first { $0.dosimeterType == .shoulder && $0.customer == "K-1001" })
        #expect(missing.status == .notReturned)
        #expect(Set(records.map(\.customer)).isSuperset(of: ["K-1001"]))
        // Each record is the person's record: the same dose as tld history.
        let history = try await tld.run(["history", "--national-id", "010180-1001", "--format", "csv", "--on", "2027-05-10"] + Self.common, in: dir.url)
        let annaJan = try #require(CSVFields.rows(history.stdout).first { $0.count > 5 && $0[0] == "K-1001" && $0[5] == "2027-01-31" })
        let annaRecord = try #require(records.first { $0.nationalID == "0101801001" && $0.periodEnd.description == "2027-01-31" })
        #expect(String(format: "%.4f", annaRecord.hp10MilliSievert ?? -1) == annaJan[6] || annaJan[6].hasPrefix("<"))

        // Again: nothing new, no file, no log entry; an existing file is never written over.
        let again = try await tld.run(["registry", "export"] + range + ["--out", "reg2.csv", "--on", "2027-05-10"] + Self.common, in: dir.url)
        #expect(again.status == 0 && again.stdout.contains("Nothing to export"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("reg2.csv")))
        let over = try await tld.run(["registry", "export"] + range + ["--out", "reg1.csv"] + Self.common, in: dir.url)
        #expect(over.status == 73)

        // An assigned dose for the missing card: a correction that names the record it replaces.
        let issue = try #require(try await LabDatabaseQuery.lines(db, "SELECT id FROM cardIssue WHERE cardID = '40000010' AND returnID IS NULL").first)
        let assigned = try await tld.run(["assign", "--issue", issue, "--notional-mSv", "0.25", "--who", "Dr. P", "--why", "card lost", "--on", "2027-05-10"] + Self.common, in: dir.url)
        #expect(assigned.status == 0, "stderr: \(assigned.stderr)")
        let third = try await tld.run(["registry", "export"] + range + ["--out", "reg3.csv", "--on", "2027-05-10"] + Self.common, in: dir.url)
        #expect(third.status == 0 && third.stdout.contains("1 record(s) (0 new, 1 correction(s))"), "\(third.stdout)")
        let corrected = try RepoPaths.text(dir.url.appendingPathComponent("reg3.csv"))
        guard case let .success((_, corrections)) = RegistryFile.parse(corrected) else { Issue.record("does not parse"); return }
        #expect(corrections.count == 1 && corrections[0].corrects == missing.recordID && corrections[0].status == .assigned
                && corrections[0].hp10MilliSievert == 0.25 && corrections[0].assignedMethod == "notional")
        // Read back against the database: the first file's changed record is superseded by the
        // correction, the correction itself is the records' now; a changed dose is found.
        let compared = try await tld.run(["registry", "validate", "reg1.csv", "--compare"] + Self.common, in: dir.url)
        #expect(compared.status == 0 && compared.stdout.contains("the same records as the lab's: \(records.count - 1) record(s) identical field by field, 1 superseded"),
                "\(compared.stdout) \(compared.stderr)")
        let comparedCorrection = try await tld.run(["registry", "validate", "reg3.csv", "--compare"] + Self.common, in: dir.url)
        #expect(comparedCorrection.status == 0 && comparedCorrection.stdout.contains("1 record(s) identical field by field."), "\(comparedCorrection.stdout)")
        let measured = try #require(records.first { $0.status == .measured && ($0.hp10MilliSievert ?? 0) > 0 })
        var changed = records
        if let i = changed.firstIndex(of: measured) { changed[i].hp10MilliSievert = (measured.hp10MilliSievert ?? 0) + 1 }
        try Data(RegistryFile.render(header: header, records: changed).utf8).write(to: dir.url.appendingPathComponent("changed.csv"))
        let differs = try await tld.run(["registry", "validate", "changed.csv", "--compare"] + Self.common, in: dir.url)
        #expect(differs.status == 65 && differs.stderr.contains("record \(measured.recordID): Hp(10) not as in the lab's records"), "\(differs.stderr)")
        #expect(!differs.stderr.contains(measured.nationalID) && !differs.stderr.contains(measured.name))
        let log = try await tld.run(["registry", "log", "--format", "csv"] + Self.common, in: dir.url)
        #expect(CSVFields.rows(log.stdout).count == 3)   // header + 2 exports

        // A tampered file is refused by the validator.
        let tampered = text.replacingOccurrences(of: ",MEASURED,", with: ",NOT_RETURNED,")
        try Data(tampered.utf8).write(to: dir.url.appendingPathComponent("bad.csv"))
        let bad = try await tld.run(["registry", "validate", "bad.csv"], in: dir.url)
        #expect(bad.status == 65 && bad.stderr.contains("NOT_RETURNED with a dose") && !bad.stderr.contains("0101801001"))
    }

    static func status(_ s: RegistryFile.Status) -> String {
        switch s {
        case .measured: "measured"
        case .belowDetectionLimit: "belowDetectionLimit"
        case .assigned: "assigned"
        case .notReturned: "notReturned"
        case .noValidResult: "noValidResult"
        }
    }
}
