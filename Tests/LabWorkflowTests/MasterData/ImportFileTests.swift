import Foundation
import LabStore
import TestSupport
import Testing
@testable import LabWorkflow

/// A row of the import file from its 13 fields, with a good default for each.
struct ImportLine {
    var fields: [String: String] = [
        "customer_number": "K-1001", "customer_name": "Testklinik", "company_id": "12345678",
        "delivery_address": "Ågade 1, 2100 København Ø", "contact_name": "Søren Ørum", "contact_email": "s@example.dk",
        "wearer_name": "Jensen, Mette", "national_id": "010180-1234", "dosimeter_type": "whole-body", "period": "1m",
        "change_day": "1", "start_date": "2027-01-01", "end_date": "",
    ]
    subscript(_ key: String) -> String {
        get { fields[key] ?? "" }
        set { fields[key] = newValue }
    }
    func with(_ key: String, _ value: String) -> ImportLine {
        var copy = self
        copy[key] = value
        return copy
    }
    var csv: String {
        ImportFile.columns.map { f in
            let v = fields[f] ?? ""
            return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }.joined(separator: ",")
    }
    static func file(_ lines: [ImportLine]) -> [UInt8] {
        Array(([ImportFile.header] + lines.map(\.csv)).map { $0 + "\r\n" }.joined().utf8)
    }
}

@Suite("Import file: parsing and checking every row")
struct ImportFileTests {
    @Test("the example file in the repository parses: 3 customers, 19 wearers, 22 enrolments")
    func exampleFile() throws {
        let bytes = Array(try Data(contentsOf: RepoPaths.file("examples/lab-import.csv")))
        let rows = try ImportFile.parse(utf8: bytes).get()
        #expect(rows.count == 22)
        #expect(Set(rows.map(\.customer.id)) == ["K-1001", "K-1002", "K-1003"])
        #expect(Set(rows.map { $0.customer.id + $0.nationalIDDigits }).count == 19)
        let strale = try #require(rows.first { $0.customer.id == "K-1001" })
        #expect(strale.customer.name == "Strålehospitalet Aarhus, Nuklearmedicin")
        #expect(strale.customer.deliveryAddress == "Strålevej 1\nIndgang 4, 8200 Aarhus N")
        #expect(rows.contains { $0.customer.name == "Tandklinikken \"Smil\" Østerbro ApS" })
        #expect(Set(rows.map(\.dosimeterType)) == Set(DosimeterType.allCases))
        #expect(Set(rows.map(\.periodLength)) == Set(PeriodLength.allCases))
    }

    @Test("a good row becomes a checked row")
    func goodRow() throws {
        let rows = try ImportFile.parse(utf8: ImportLine.file([ImportLine(), ImportLine().with("period", "3m").with("change_day", "15")])).get()
        #expect(rows.count == 2)
        #expect(rows[0].line == 2 && rows[0].nationalIDDigits == "0101801234" && rows[0].periodLength == .oneMonth)
        #expect(rows[1].periodLength == .threeMonths && rows[1].changeDay == 15 && rows[1].endDate == nil)
    }

    @Test("every reason a row is bad", arguments: [
        ("customer_number", "", "customer_number"),
        ("customer_number", "K-\u{7}1", "customer_number"),
        ("customer_name", "", "customer_name is empty"),
        ("company_id", "1234", "company_id"),
        ("delivery_address", "", "delivery_address is empty"),
        ("contact_email", "nobody", "contact_email"),
        ("wearer_name", "", "wearer_name is empty"),
        ("national_id", "320180-1234", "national_id"),
        ("national_id", "0101801234567", "national_id"),
        ("dosimeter_type", "wrist", "dosimeter_type \"wrist\""),
        ("period", "6m", "period \"6m\""),
        ("change_day", "10", "change_day \"10\""),
        ("start_date", "2027-02-30", "start_date"),
        ("end_date", "31.12.2027", "end_date"),
        ("end_date", "2026-12-31", "before start_date"),
    ])
    func badField(column: String, value: String, reason: String) {
        let file = ImportLine.file([ImportLine(), ImportLine().with("wearer_name", "Other, One").with("national_id", "020280-2222").with(column, value)])
        guard case let .failure(rejected) = ImportFile.parse(utf8: file) else { Issue.record("accepted"); return }
        #expect(rejected.problems.count == 1)
        #expect(rejected.problems.first?.line == 3)
        #expect(rejected.problems.first?.reason.contains(reason) == true, "\(rejected.problems)")
    }

    @Test("periods a type is not offered for, and 2-week periods only for finger cards", arguments: [
        ("whole-body", "2w"), ("neutron", "2w"), ("shoulder", "3m"), ("shoulder", "2w"), ("finger", "3m"),
    ])
    func periodNotOffered(type: String, period: String) {
        let file = ImportLine.file([ImportLine().with("dosimeter_type", type).with("period", period)])
        guard case let .failure(rejected) = ImportFile.parse(utf8: file) else { Issue.record("accepted"); return }
        #expect(rejected.problems.map(\.line) == [2])
        #expect(rejected.problems[0].reason.contains("not offered"))
    }

    @Test("a national ID is never quoted back in a reason")
    func idNeverEchoed() {
        let file = ImportLine.file([ImportLine().with("national_id", "010180-12345")])
        guard case let .failure(rejected) = ImportFile.parse(utf8: file) else { Issue.record("accepted"); return }
        #expect(!rejected.description.contains("12345") && !rejected.description.contains("010180"))
    }

    @Test("rows that contradict each other: customer data, a national ID under two names, the same enrolment twice")
    func contradictions() {
        let base = ImportLine()
        let file = ImportLine.file([
            base,
            base.with("customer_name", "Another name").with("national_id", "020280-2222"),
            base.with("wearer_name", "Someone Else").with("period", "3m").with("change_day", "15"),
            base,
            base.with("end_date", "2027-12-31"),
        ])
        guard case let .failure(rejected) = ImportFile.parse(utf8: file) else { Issue.record("accepted"); return }
        #expect(rejected.problems.map(\.line) == [3, 4, 5, 6])
        #expect(rejected.problems[0].reason.contains("customer_name differs from line 2"))
        #expect(rejected.problems[1].reason.contains("on line 2"))
        #expect(rejected.problems[2].reason.contains("same enrolment") && rejected.problems[3].reason.contains("same enrolment"))
    }

    @Test("file-level problems: wrong header, wrong field count, empty file, header only, a CSV syntax error")
    func fileProblems() {
        func problems(_ text: String) -> [ImportFile.Problem] {
            if case let .failure(r) = ImportFile.parse(utf8: Array(text.utf8)) { return r.problems }
            return []
        }
        #expect(problems("customer,name\r\nK-1,x\r\n").first?.reason.contains("header must be exactly") == true)
        #expect(problems("").first?.reason.contains("empty") == true)
        #expect(problems(ImportFile.header + "\r\n").first?.reason.contains("no rows") == true)
        let short = problems(ImportFile.header + "\r\nK-1001,Testklinik\r\n")
        #expect(short.map(\.line) == [2] && short[0].reason.contains("2 fields"))
        let unclosed = problems(ImportFile.header + "\r\n" + ImportLine().csv + "\r\nK-1001,\"Testklinik\r\n")
        #expect(unclosed.map(\.line) == [3] && unclosed[0].reason.contains("never closed"))
    }

    @Test("every bad row is listed, not only the first")
    func allBadRowsListed() {
        let file = ImportLine.file([
            ImportLine().with("period", "5m"), ImportLine().with("national_id", "020280-2222"),
            ImportLine().with("national_id", "030380-3333").with("change_day", "2"),
            ImportLine().with("national_id", "040480-4444").with("start_date", "soon"),
        ])
        guard case let .failure(rejected) = ImportFile.parse(utf8: file) else { Issue.record("accepted"); return }
        #expect(rejected.problems.map(\.line) == [2, 4, 5])
    }
}
