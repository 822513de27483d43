import Foundation
import TestSupport
import Testing
@testable import LabReports

/// Issue 13 item 7: the result list v2 (year-to-date and lifetime sums, footnote, remarks, signature)
/// and the person's dose history documents, read back with poppler as a customer reads them.
@Suite("Customer documents v2: result list sums, signature, dose history", .serialized)
struct CustomerDocumentsV2Tests {
    static func list() -> ResultList {
        let year = PersonDoseSums.Sum(hp10MilliSievert: 1.25, hp007MilliSievert: 1.5, includesAssigned: true)
        let life = PersonDoseSums.Sum(hp10MilliSievert: 12.75, hp007MilliSievert: 14.5, openPeriods: 1)
        let finger = PersonDoseSums(year: 2027, yearToDate: .init(hp10MilliSievert: nil, hp007MilliSievert: 7.5),
                                    lifetime: .init(hp10MilliSievert: nil, hp007MilliSievert: 42.25))
        let rows = [
            ResultList.Row(wearerName: "Ørsted, Hans", nationalIDFirst4: "0101", enrolmentNumber: "TILM-00000001", dosimeterType: "whole-body",
                           cardID: "10000016", periodStart: "2027-03-01", periodEnd: "2027-03-31", hp10MilliSievert: 0.3,
                           hp007MilliSievert: 0.3, detectionLimitMilliSievert: nil, status: "assigned",
                           remarks: ["ASSIGNED dose (notional dose; dosimeter not returned) by Dr. P"],
                           sums: PersonDoseSums(year: 2027, yearToDate: year, lifetime: life)),
            ResultList.Row(wearerName: "Berg, Bo", nationalIDFirst4: "0202", enrolmentNumber: "TILM-00000002", dosimeterType: "finger (extremity)",
                           cardID: "30000001", periodStart: "2027-03-01", periodEnd: "2027-03-31", hp10MilliSievert: nil,
                           hp007MilliSievert: 2.5, detectionLimitMilliSievert: 0.05, status: "released",
                           remarks: ["finger dosimeter: Hp(0.07) only"], sums: finger),
            ResultList.Row(wearerName: "Aaberg, Åse", nationalIDFirst4: "0303", enrolmentNumber: "TILM-00000003", dosimeterType: "whole-body",
                           cardID: "10000017", periodStart: "2027-03-01", periodEnd: "2027-03-31", hp10MilliSievert: 0.02,
                           hp007MilliSievert: 0.02, detectionLimitMilliSievert: 0.05, status: "released", remarks: [],
                           sums: PersonDoseSums(year: 2027, yearToDate: .init(hp10MilliSievert: 0, hp007MilliSievert: 0),
                                                lifetime: .init(hp10MilliSievert: 0.5, hp007MilliSievert: 0.5))),
        ]
        var list = ResultList(customerNumber: "K-1001", customerName: "Strålehospitalet Århus", periodLabel: "ending between 2027-03-01 and 2027-03-31",
                              rows: rows, reportNumber: "RL-K-1001-20270331")
        list.issued = "2027-04-08"
        list.physicist = "J. Physicist"
        list.releasedBy = ["J. Physicist"]
        list.notes = ["Card 10000018 was replaced after the fire drill."]
        return list
    }

    @Test("result list PDF: A4 portrait, the period dose, year-to-date and lifetime figures with their marks, footnote, remarks, signature")
    func resultListPDF() async throws {
        let dir = try TemporaryDirectory("tld-docs-v2")
        defer { dir.cleanup() }
        let list = Self.list()
        try Data(list.pdf(issued: list.issued)).write(to: dir.url.appendingPathComponent("results.pdf"))
        let text = try await Poppler.run("pdftotext", ["-layout", "results.pdf", "-"], in: dir.url)
        for needle in ["RESULT LIST", "RL-K-1001-20270331", "2027-04-08", "FINAL", "Ørsted, Hans", "ID 0101", "0.30 A", "1.25*", "1.50*",
                       "12.75+", "14.50+", "7.50", "42.25", "2.50", "<0.05", "Lifetime", "Year", "Conventions",
                       "below the detection limit x; counted as 0", "assigned dose", "Card 10000018 was replaced",
                       "Responsible physicist", "Name: J. Physicist", "Signature:", "ASSIGNED dose (notional dose"] {
            #expect(text.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!text.contains("0101-") && !text.contains("DRAFT"))
        let page = try await Poppler.picture("results.pdf", in: dir.url)
        #expect(page.height > page.width, "A4 portrait")
        #expect(page.pixels.filter { $0 < 128 }.count > page.pixels.count / 200, "not blank")
        // Text and HTML carry the same figures and the signature line.
        for out in [list.text(), list.html()] {
            #expect(out.contains("1.25*") && out.contains("12.75+") && out.contains("Responsible physicist: J. Physicist") && out.contains("issued 2027-04-08"))
        }
    }

    @Test("no physicist named: a blank signature line to sign by hand")
    func blankSignature() {
        var list = Self.list()
        list.physicist = nil
        #expect(list.signatureLine.hasPrefix("Responsible physicist: ____"))
    }

    @Test("dose history PDF: portrait, person with 4 ID digits, every period, sums, conventions; draft while open")
    func historyPDF() async throws {
        let dir = try TemporaryDirectory("tld-docs-history")
        defer { dir.cleanup() }
        let periods = [
            DoseHistoryReport.Period(customer: "K-1001", enrolment: "TILM-00000001", dosimeter: "whole-body", card: "10000016",
                                     periodStart: "2027-01-01", periodEnd: "2027-01-31", hp10: "0.42", hp007: "0.44", status: "measured", remarks: ""),
            DoseHistoryReport.Period(customer: "K-1002", enrolment: "TILM-00000009", dosimeter: "whole-body", card: "10000099",
                                     periodStart: "2027-02-01", periodEnd: "2027-02-28", hp10: "—", hp007: "—", status: "not returned", remarks: ""),
        ]
        let sums = [DoseHistoryReport.Sum(window: "year 2027", of: "person Hp(10)", hp10: "0.42", hp007: "", periods: 2,
                                          belowDetectionLimit: 0, assigned: 0, open: 1),
                    DoseHistoryReport.Sum(window: "lifetime", of: "person Hp(10)", hp10: "3.17", hp007: "", periods: 9,
                                          belowDetectionLimit: 2, assigned: 0, open: 1)]
        let report = DoseHistoryReport(kind: .termination, reportNumber: "TR-TILM-00000001", issued: "2027-03-10", personName: "Ørsted, Hans",
                                       nationalIDFirst4: "010180", lines: ["Enrolment TILM-00000001, ended 2027-02-28"],
                                       periods: periods, sums: sums, isDraft: true, notes: ["DRAFT: 1 period is still without a dose."])
        try Data(report.pdf()).write(to: dir.url.appendingPathComponent("t.pdf"))
        let text = try await Poppler.run("pdftotext", ["-layout", "t.pdf", "-"], in: dir.url)
        for needle in ["TERMINATION REPORT", "TR-TILM-00000001", "DRAFT", "Ørsted, Hans", "0101******", "10000016", "0.42", "3.17",
                       "not returned", "lifetime", "year 2027", "Conventions", "ended 2027-02-28"] {
            #expect(text.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!text.contains("010180"))
        let page = try await Poppler.picture("t.pdf", in: dir.url)
        #expect(page.height > page.width, "A4 portrait")
        #expect(report.text().contains("0101******") && report.html().contains("TR-TILM-00000001"))
    }
}
