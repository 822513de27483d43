import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Registry file: written, read back to the same records, every rule checked")
struct RegistryFileTests {
    static let header = RegistryFile.Header(exportNumber: 3, createdAt: "2027-05-10T08:00:00Z", from: day("2027-01-01"), to: day("2027-03-31"))
    static let records = [
        RegistryFile.Record(recordID: 10, corrects: nil, nationalID: "0101801001", name: "Andersen, Anna", birthDate: day("1980-01-01"),
                            customer: "K-1001", companyID: "31415926", periodStart: day("2027-01-01"), periodEnd: day("2027-01-31"),
                            dosimeterType: .wholeBody, hp10MilliSievert: 0.16123, hp007MilliSievert: 0.168, detectionLimitMilliSievert: 0.03,
                            status: .measured, assignedMethod: ""),
        RegistryFile.Record(recordID: 11, corrects: 4, nationalID: "0606901007", name: "Gram, \"Gus\"", birthDate: nil,
                            customer: "K-1001", companyID: "", periodStart: day("2027-01-01"), periodEnd: day("2027-01-31"),
                            dosimeterType: .shoulder, hp10MilliSievert: 0.25, hp007MilliSievert: 0.25, detectionLimitMilliSievert: nil,
                            status: .assigned, assignedMethod: "notional"),
        RegistryFile.Record(recordID: 12, corrects: nil, nationalID: "0303821004", name: "Dahl, Dorte", birthDate: day("1982-03-03"),
                            customer: "K-1001", companyID: "31415926", periodStart: day("2027-03-01"), periodEnd: day("2027-03-14"),
                            dosimeterType: .finger, hp10MilliSievert: nil, hp007MilliSievert: 0, detectionLimitMilliSievert: 0.03,
                            status: .belowDetectionLimit, assignedMethod: ""),
        RegistryFile.Record(recordID: 13, corrects: nil, nationalID: "1402661015", name: "Aagaard, Aase", birthDate: day("1966-02-14"),
                            customer: "K-1002", companyID: "27182818", periodStart: day("2027-01-01"), periodEnd: day("2027-01-31"),
                            dosimeterType: .wholeBody, hp10MilliSievert: nil, hp007MilliSievert: nil, detectionLimitMilliSievert: nil,
                            status: .notReturned, assignedMethod: ""),
    ]

    @Test("render then parse gives the same records (doses at 4 decimals)")
    func roundTrip() throws {
        let text = RegistryFile.render(header: Self.header, records: Self.records)
        #expect(text.hasPrefix("HDR,TLD-REGISTRY,1,3,2027-05-10T08:00:00Z,2027-01-01,2027-03-31,4,0.4112,0.4180\r\n"))
        #expect(text.hasSuffix("TRL,4\r\n"))
        guard case let .success((header, records)) = RegistryFile.parse(text) else { Issue.record("\(RegistryFile.parse(text))"); return }
        #expect(header == Self.header)
        var expected = Self.records
        expected[0].hp10MilliSievert = 0.1612
        #expect(records == expected)
    }

    @Test("doses with 4 decimals", arguments: [(0.16123, "0.1612"), (0.00005, "0.0001"), (2.5, "2.5000"), (0, "0.0000"), (12.34567, "12.3457"), (10_000, "10000.0000")])
    func fourDecimals(value: Double, text: String) {
        #expect(RegistryFile.mSv(value) == text)
        #expect(RegistryFile.mSv(nil) == "")
    }

    @Test("a changed dose, a cut file, a bad ID, a status without its dose, a duplicate record: each found, by line, without the ID")
    func problems() {
        let text = RegistryFile.render(header: Self.header, records: Self.records)
        func problems(_ t: String) -> [String] {
            if case let .failure(list) = RegistryFile.parse(t) { return list.problems.map(\.description) }
            return []
        }
        #expect(problems(text.replacingOccurrences(of: ",0.1612,", with: ",0.2612,")).contains { $0.hasPrefix("line 1: HDR totals") })
        #expect(problems(String(text.dropLast("TRL,4\r\n".count))).contains { $0.contains("no TRL record") })
        let badID = problems(text.replacingOccurrences(of: "0101801001", with: "3201801001"))
        #expect(badID == ["line 2: the national ID is not 10 digits with a birth date"])
        #expect(problems(text.replacingOccurrences(of: ",,NOT_RETURNED,", with: ",,MEASURED,")).contains { $0.contains("MEASURED without a dose") })
        #expect(problems(text.replacingOccurrences(of: "DAT,12,", with: "DAT,10,")).contains { $0.contains("record 10 appears twice") })
        #expect(problems(text.replacingOccurrences(of: ",notional", with: ",")).contains { $0.contains("assigned method") })
        #expect(problems(text.replacingOccurrences(of: "2027-03-14", with: "2027-04-14")).contains { $0.contains("does not end within") })
        #expect(problems("garbage").first == "line 1: the first line is not the HDR record")
        for p in badID { #expect(!p.contains("3201801001")) }
    }
}
