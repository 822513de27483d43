import Foundation
import Testing
@testable import LabReports

@Suite("Packing slip of a dispatch: Danish order, prices per card, free cards, CSV, label sheet")
struct PackingSlipDispatchTests {
    static func row(_ name: String, _ enrolment: String, price: Int = 12_500, free: Bool = false) -> PackingSlip.Row {
        PackingSlip.Row(wearerName: name, nationalIDFirst4: "0101", enrolmentNumber: enrolment, cardID: "C\(enrolment.suffix(2))",
                        periodStart: "2027-04-01", periodEnd: "2027-04-30", priceMinorUnits: price, free: free, dosimeterTypeCode: "whole-body")
    }

    static let slip = PackingSlip(
        customerNumber: "K-7", customerName: "Klinik", shipmentNumber: "S-3", dispatchedOn: "2027-03-22", currency: "DKK",
        rows: [("whole-body", 12_500, row("Aaberg, Åse", "TILM-00000001")),
               ("whole-body", 12_500, row("Zeuthen, Zack", "TILM-00000002")),
               ("whole-body", 12_500, row("Ærø, Else", "TILM-00000003", free: true)),
               ("whole-body", 12_500, row("andersen, Bo", "TILM-00000004")),
               ("finger", 9_950, row("Øster, Ib", "TILM-00000005", price: 9_950))],
        typeOrder: ["whole-body", "finger"], returnDeadlines: ["Period ending 2027-04-30: reminder after 2027-05-30"])

    @Test("rows in Danish order; a free card costs nothing and is marked")
    func order() {
        let s = Self.slip
        #expect(s.sections[0].rows.map(\.wearerName) == ["andersen, Bo", "Zeuthen, Zack", "Ærø, Else", "Aaberg, Åse"])
        #expect(s.sections[0].subtotalMinorUnits == 3 * 12_500)
        #expect(s.sections[0].freeCount == 1)
        #expect(s.totalMinorUnits == 3 * 12_500 + 9_950)
        let text = s.text()
        #expect(text.contains("4 cards (1 free), 3 × 125.00 DKK = 375.00 DKK excl. VAT"))
        #expect(text.contains("1 × 99.50 DKK = 99.50 DKK excl. VAT"))
        #expect(text.contains("Total: 5 cards, 474.50 DKK excl. VAT"))
        #expect(text.contains("free") && text.contains("Period ending 2027-04-30"))
        #expect(s.html().contains("<td class=\"n\">free</td>"))
    }

    @Test("CSV: the exact header, one line per card, prices that add up to the total")
    func csv() {
        let lines = Self.slip.csv().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0] == "customer,type,wearer,enrolment,card,period_start,period_end,price")
        #expect(lines.count == 6)
        #expect(lines[1] == "K-7,whole-body,\"andersen, Bo\",TILM-00000004,C04,2027-04-01,2027-04-30,125.00")
        #expect(lines[3].hasSuffix(",0.00"))
        let sum = lines.dropFirst().compactMap { $0.split(separator: ",").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(abs(sum - 474.50) < 0.001)
    }

    @Test("label sheet: A4 pages of 24 labels, DejaVu Sans embedded, each label's name, TILM number, period and card")
    func labels() throws {
        let labels = (1...30).map {
            LabelSheet.Label(wearerName: "Ørsted, Hans \($0)", enrolmentNumber: "TILM-000000\($0 < 10 ? "0" : "")\($0)",
                             periodStart: "2027-04-01", periodEnd: "2027-04-30", cardID: "100000\($0)", customerNumber: "K-7",
                             dosimeterType: "whole-body")
        }
        let pdf = String(decoding: LabelSheet(labels: labels).pdf(), as: UTF8.self)
        #expect(pdf.hasPrefix("%PDF-1.4"))
        #expect(pdf.contains("/Count 2 "))
        #expect(pdf.contains("/MediaBox [0 0 595 842]"))
        #expect(pdf.contains("+DejaVuSans-Bold /FirstChar") && pdf.contains("/FontFile2"))
        #expect(pdf.components(separatedBy: " re S").count - 1 == 30)
        #expect(pdf.contains("(TILM-00000030   K-7) Tj"))
        #expect(pdf.contains("(Card 10000017   whole-body) Tj"))
        #expect(LabelSheet.fitted(String(repeating: "x", count: 80), size: 11, width: 174).count <= 26)
    }
}
