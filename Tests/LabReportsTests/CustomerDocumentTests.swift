import Foundation
import Testing
@testable import LabReports

@Suite("Packing slip, result list, glow-curve picture")
struct CustomerDocumentTests {
    static func row(_ name: String, _ enrolment: String, _ start: String = "2026-10-15") -> PackingSlip.Row {
        PackingSlip.Row(wearerName: name, nationalIDFirst4: "0101901234", enrolmentNumber: enrolment, cardID: "C-\(enrolment)",
                        periodStart: start, periodEnd: "2027-01-14")
    }

    @Test("one table per type in the given order, rows by name then enrolment, totals excluding VAT")
    func slip() {
        let slip = PackingSlip(
            customerNumber: "K-1", customerName: "Klinik <Nord> & Co", shipmentNumber: "S-9", dispatchedOn: "2026-11-05", currency: "DKK",
            rows: [("finger", 9_950, Self.row("Berg, Bo", "TILM-00000009")),
                   ("whole-body", 12_500, Self.row("berg, Al", "TILM-00000003")),
                   ("whole-body", 12_500, Self.row("Andersen, Anna", "TILM-00000002")),
                   ("whole-body", 12_500, Self.row("Andersen, Anna", "TILM-00000001"))],
            typeOrder: ["whole-body", "finger"])
        #expect(slip.sections.map(\.dosimeterType) == ["whole-body", "finger"])
        #expect(slip.sections[0].rows.map(\.enrolmentNumber) == ["TILM-00000001", "TILM-00000002", "TILM-00000003"])
        #expect(slip.sections[0].rows.allSatisfy { $0.nationalIDFirst4 == "0101" })
        #expect(slip.totalMinorUnits == 3 * 12_500 + 9_950)
        #expect(slip.text().contains("Total: 4 cards, 474.50 DKK excl. VAT"))
        let html = slip.html()
        #expect(html.contains("Klinik &lt;Nord&gt; &amp; Co"))
        #expect(!html.contains("0101901234"))
    }

    @Test("money, CSV fields and HTML escaping")
    func formatting() {
        #expect(ReportFormatting.money(minorUnits: 5) == "0.05")
        #expect(ReportFormatting.money(minorUnits: 12_550) == "125.50")
        #expect(ReportFormatting.money(minorUnits: -100) == "-1.00")
        #expect(ReportFormatting.csv("Berg, Bo") == "\"Berg, Bo\"")
        #expect(ReportFormatting.csv("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportFormatting.csv("plain") == "plain")
        #expect(ReportFormatting.html("<a href='x'>") == "&lt;a href=&#39;x&#39;&gt;")
    }

    @Test("result list rows in Danish alphabetical order: Æ, Ø, Å after Z, \"Aa\" as Å, case aside")
    func resultListDanishOrder() {
        let rows = ["Aaberg, Åse", "Zeuthen, Zack", "Øster, Ib", "andersen, Bo", "Ærø, Else", "Berg, Bo"].enumerated().map { i, name in
            ResultList.Row(wearerName: name, nationalIDFirst4: "0101", enrolmentNumber: "TILM-0000000\(i)", dosimeterType: "whole-body",
                           cardID: "\(i)", periodStart: "2026-07-15", periodEnd: "2026-10-14", hp10MilliSievert: 0.1, hp007MilliSievert: 0.1,
                           detectionLimitMilliSievert: 0.05, status: "released", remarks: [])
        }
        let list = ResultList(customerNumber: "K-1", customerName: "Klinik", periodLabel: "Q3", rows: rows)
        #expect(list.rows.map(\.wearerName) == ["andersen, Bo", "Berg, Bo", "Zeuthen, Zack", "Ærø, Else", "Øster, Ib", "Aaberg, Åse"])
        // The CSV and HTML follow the same order.
        let csvNames = list.csv().components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: "\"")[1] }
        #expect(csvNames.last == "Aaberg, Åse" && csvNames.first == "andersen, Bo")
    }

    @Test("result list: dose under the detection limit, no result, remarks in CSV and HTML")
    func resultList() {
        let list = ResultList(customerNumber: "K-1", customerName: "Klinik", periodLabel: "Q3", rows: [
            ResultList.Row(wearerName: "Ørsted, H", nationalIDFirst4: "0505", enrolmentNumber: "TILM-00000002", dosimeterType: "whole-body",
                           cardID: "2", periodStart: "2026-07-15", periodEnd: "2026-10-14", hp10MilliSievert: 0.03, hp007MilliSievert: 0.04,
                           detectionLimitMilliSievert: 0.05, status: "released", remarks: []),
            ResultList.Row(wearerName: "Berg, Bo", nationalIDFirst4: "0404", enrolmentNumber: "TILM-00000001", dosimeterType: "whole-body",
                           cardID: "1", periodStart: "2026-07-15", periodEnd: "2026-10-14", hp10MilliSievert: nil, hp007MilliSievert: nil,
                           detectionLimitMilliSievert: nil, status: "missing", remarks: ["not returned", "compensation due"]),
        ])
        #expect(list.rows.map(\.wearerName) == ["Berg, Bo", "Ørsted, H"])
        #expect(ResultList.dose(0.03, limit: 0.05) == "<0.05")
        #expect(ResultList.dose(nil, limit: 0.05) == "—")
        let csv = list.csv().components(separatedBy: "\r\n")
        // Result list v2 adds the sums after column 9; columns 0-9 are as they were.
        #expect(csv[0].hasPrefix("customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,sums_year,"))
        #expect(csv[1] == "K-1,\"Berg, Bo\",TILM-00000001,1,2026-07-15,2026-10-14,,,missing,not returned; compensation due,,,,,,")
        // Under the detection limit: "<limit", as on the printed list.
        #expect(csv[2] == "K-1,\"Ørsted, H\",TILM-00000002,2,2026-07-15,2026-10-14,<0.0500,<0.0500,released,,,,,,,")
        #expect(list.html().contains("<td class=\"remark\">not returned; compensation due</td>"))
        #expect(list.text().contains("<0.05"))
    }

    @Test("the glow-curve picture puts the peak where the curve peaks")
    func plot() {
        let counts = (0..<200).map { i in 1000 * exp(-pow(Double(i - 150) / 10, 2)) }
        let text = GlowCurvePlot.text(counts: counts, width: 40, height: 4, label: "e1")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines[0].hasPrefix("e1 peak 1000"))
        let top = Array(lines[1])
        let full = top.indices.filter { top[$0] == "█" }.map { $0 - 1 }
        // Channel 150 of 200 → column 30 of 40; its neighbour column 29 ends at channel 149 (99 % of the peak).
        #expect(!full.isEmpty && full.allSatisfy { (29...30).contains($0) }, "\(lines[1])")
        #expect(GlowCurvePlot.text(counts: []).contains("no curve"))
    }
}

@Suite("Text documents as PDF")
struct TextPDFTests {
    @Test("a valid PDF 1.4: header, objects at the offsets the cross-reference table gives, WinAnsi text")
    func structure() throws {
        let text = (1...130).map { "line \($0) Ørsted (×) 5 × 125.00 DKK – ok" }.joined(separator: "\n")
        let pdf = TextPDF.render(text)
        let ascii = String(decoding: pdf.map { $0 < 0x80 ? $0 : 0x2E }, as: UTF8.self)
        #expect(ascii.hasPrefix("%PDF-1.4\n"))
        #expect(ascii.hasSuffix("%%EOF\n"))
        let startxref = try #require(ascii.range(of: "startxref\n", options: .backwards))
        let xrefOffset = try #require(Int(ascii[startxref.upperBound...].prefix { $0.isNumber }))
        #expect(ascii.dropFirst(xrefOffset).hasPrefix("xref\n"))
        let entries = ascii.dropFirst(xrefOffset).split(separator: "\n").dropFirst(3).prefix { $0.hasSuffix(" n ") }
        #expect(entries.count >= 5)
        for (i, entry) in entries.enumerated() {
            let offset = try #require(Int(entry.prefix(10)))
            #expect(ascii.dropFirst(offset).hasPrefix("\(i + 1) 0 obj\n"), "object \(i + 1) not at \(offset)")
        }
        #expect(ascii.contains("/Count 3"), "130 lines at 63 per page (10 pt, 12 pt leading) need three pages")
        // Ø, ×, – in WinAnsiEncoding; parentheses escaped.
        let needle: [UInt8] = [0xD8] + Array("rsted \\(".utf8) + [0xD7] + Array("\\) 5 ".utf8) + [0xD7]
        #expect(pdf.indices.contains { i in pdf[i...].starts(with: needle) })
        #expect(pdf.contains(0x96))
    }
}
