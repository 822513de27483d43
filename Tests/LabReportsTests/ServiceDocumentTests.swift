import Foundation
import TestSupport
import Testing
@testable import LabReports

/// The lab's PDF documents checked as a reader sees them: poppler's pdffonts (fonts embedded),
/// pdftotext (the text and the figures), pdftoppm (the pages as pictures, not blank). poppler-utils
/// is installed by scripts/install-deps.sh.
@Suite("Service documents: embedded fonts, text and pictures", .serialized)
struct ServiceDocumentTests {
    static func resultList(draft: Bool) -> ResultList {
        let names = ["Ørsted, Hans", "Aaberg, Åse", "Berg, Bo", "Ærø, Else", "Müller, Jörg", "Zeuthen, Zack"]
        var rows = (0..<60).map { i in
            ResultList.Row(wearerName: names[i % names.count] + " \(i)", nationalIDFirst4: "0101", enrolmentNumber: String(format: "TILM-%08d", i),
                           dosimeterType: "whole-body", cardID: "\(10_000_016 + i)", periodStart: "2027-01-01", periodEnd: "2027-01-31",
                           hp10MilliSievert: 0.12 + Double(i) * 0.01, hp007MilliSievert: 0.15 + Double(i) * 0.01,
                           detectionLimitMilliSievert: 0.05, status: "released",
                           remarks: i == 3 ? ["card damaged on arrival (cracked-pellet:3): manual QA; pellet 3 cracked, read with care"] : [])
        }
        rows[0].hp10MilliSievert = 13.9
        rows[0].remarks = ["above the report level of 10 mSv per period: reported to the health authority"]
        if draft { rows[1].status = "pending"; rows[1].hp10MilliSievert = nil; rows[1].hp007MilliSievert = nil }
        return ResultList(customerNumber: "K-1001", customerName: "Strålehospitalet Århus", periodLabel: "ending between 2027-01-01 and 2027-01-31",
                          rows: rows, reportNumber: "RL-K-1001-20270131", isDraft: draft)
    }

    @Test("result list PDF: fonts embedded as subsets, the figures and Danish names as text, header, status, page x of y, pages not blank")
    func resultListPDF() async throws {
        let dir = try TemporaryDirectory("tld-service-pdf")
        defer { dir.cleanup() }
        let pdf = Self.resultList(draft: false).pdf(issued: "2027-02-03")
        try Data(pdf).write(to: dir.url.appendingPathComponent("results.pdf"))

        let fonts = try await Poppler.run("pdffonts", ["results.pdf"], in: dir.url)
        let fontLines = fonts.split(separator: "\n").dropFirst(2)
        #expect(!fontLines.isEmpty)
        for line in fontLines {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // name type encoding emb sub uni object ID
            #expect(line.contains("TrueType") && line.contains("WinAnsi"), "\(line)")
            #expect(columns.count >= 7 && columns[columns.count - 5] == "yes" && columns[columns.count - 4] == "yes", "embedded, subset: \(line)")
            #expect(line.contains("+DejaVuSans"), "\(line)")
        }

        let text = try await Poppler.run("pdftotext", ["-layout", "results.pdf", "-"], in: dir.url)
        for needle in ["TL Dosimetry Laboratory", "RESULT LIST", "RL-K-1001-20270131", "2027-02-03", "FINAL", "Strålehospitalet Århus",
                       "Ørsted, Hans 0", "Aaberg, Åse 1", "Müller, Jörg 4", "13.90", "0.15", "0.71", "Hp(10)", "mSv", "reported to the health authority",
                       "60 lines, 0 pending"] {
            #expect(text.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        #expect(!text.contains("DRAFT"))
        // Page x of y on every page, y the number of pages; the column heads again on each.
        let pages = text.split(separator: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pages.count >= 2, "60 rows need more than one page")
        for (i, page) in pages.enumerated() {
            #expect(page.contains("Page \(i + 1) of \(pages.count)") && page.contains("Hp(0.07)") && page.contains("Lifetime") && page.contains("RL-K-1001-20270131"))
        }
        // Danish order on paper too: Zeuthen before Ærø before Ørsted before Aaberg.
        let order = ["Zeuthen, Zack 5", "Ærø, Else 3", "Ørsted, Hans 0", "Aaberg, Åse 1"].compactMap { text.range(of: $0)?.lowerBound }
        #expect(order.count == 4 && order == order.sorted())

        // The first page as a picture: ink in the header band and in the table, white margins.
        let page = try await Poppler.picture("results.pdf", in: dir.url)
        #expect(page.height > page.width, "A4 portrait: two-line cells keep the table within the width (issue 13 item 7)")
        let dark = page.pixels.filter { $0 < 128 }.count
        #expect(dark > page.pixels.count / 100, "the page is not blank: \(dark) dark pixels")
        let headerBand = page.pixels[(page.width * page.height / 20)..<(page.width * page.height / 8)].filter { $0 < 128 }.count
        #expect(headerBand > 50, "the header has text")
        let leftMargin = (0..<page.height).map { page.pixels[$0 * page.width + 5] }.filter { $0 < 200 }.count
        #expect(leftMargin == 0, "nothing drawn in the left margin")
    }

    @Test("a draft result list says DRAFT in the header and why, on every page")
    func draftResultList() async throws {
        let dir = try TemporaryDirectory("tld-service-draft")
        defer { dir.cleanup() }
        try Data(Self.resultList(draft: true).pdf(issued: "2027-02-03")).write(to: dir.url.appendingPathComponent("draft.pdf"))
        let text = try await Poppler.run("pdftotext", ["-layout", "draft.pdf", "-"], in: dir.url)
        let pages = text.split(separator: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        #expect(pages.count >= 2)
        for page in pages { #expect(page.contains("DRAFT")) }
        #expect(text.contains("1 dose is not released yet"))
        #expect(!text.contains("FINAL"))
    }

    @Test("packing slip PDF: a table per type with prices right-aligned, subtotal, total, deadlines; label sheet with embedded fonts")
    func packingSlipAndLabels() async throws {
        let dir = try TemporaryDirectory("tld-service-slip")
        defer { dir.cleanup() }
        let rows: [(type: String, unitPriceMinorUnits: Int, row: PackingSlip.Row)] = [
            ("whole-body", 12_500, .init(wearerName: "Øster, Ib", nationalIDFirst4: "0101", enrolmentNumber: "TILM-00000001", cardID: "10000016",
                                         periodStart: "2027-03-01", periodEnd: "2027-03-31", priceMinorUnits: 12_500)),
            ("whole-body", 12_500, .init(wearerName: "Andersen, Bo", nationalIDFirst4: "0202", enrolmentNumber: "TILM-00000002", cardID: "10000024",
                                         periodStart: "2027-03-01", periodEnd: "2027-03-31", free: true)),
            ("finger", 9_950, .init(wearerName: "Fingersen, Fie", nationalIDFirst4: "0303", enrolmentNumber: "TILM-00000003", cardID: "20000014",
                                    periodStart: "2027-03-01", periodEnd: "2027-03-31", priceMinorUnits: 9_950)),
        ]
        let slip = PackingSlip(customerNumber: "K-1001", customerName: "Nordklinik", shipmentNumber: "S-17", dispatchedOn: "2027-02-22",
                               currency: "DKK", rows: rows, typeOrder: ["whole-body", "finger"],
                               returnDeadlines: ["Period ending 2027-03-31: reminder after 2027-04-10, compensation if not back by 2027-06-30"])
        try Data(slip.pdf()).write(to: dir.url.appendingPathComponent("slip.pdf"))
        let text = try await Poppler.run("pdftotext", ["-layout", "slip.pdf", "-"], in: dir.url)
        for needle in ["Packing slip", "S-17", "2027-02-22", "Nordklinik", "Øster, Ib", "125.00", "free", "99.50", "2 cards", "Total: 3 cards, 224.50 DKK",
                       "compensation if not back by 2027-06-30", "Page 1 of 1"] {
            #expect(text.contains(needle), "pdftotext misses \"\(needle)\"")
        }
        // Every table spans the page's width, so the right-aligned prices of both tables end at the right margin.
        for block in slip.document().blocks {
            guard case let .table(t) = block else { continue }
            #expect(abs(ServiceDocument.columnWidths(t, available: 515, size: ServiceDocument.tableSize).reduce(0, +) - 515) < 0.001)
            #expect(t.columns.last?.alignment == .right)
        }
        let fonts = try await Poppler.run("pdffonts", ["slip.pdf"], in: dir.url)
        #expect(fonts.contains("DejaVuSans-Bold") && Poppler.allFontsEmbedded(fonts), "\(fonts)")

        let labels = LabelSheet(labels: slip.sections.flatMap { s in s.rows.map {
            LabelSheet.Label(wearerName: $0.wearerName, enrolmentNumber: $0.enrolmentNumber, periodStart: $0.periodStart, periodEnd: $0.periodEnd,
                             cardID: $0.cardID, customerNumber: "K-1001", dosimeterType: s.dosimeterType)
        } })
        try Data(labels.pdf()).write(to: dir.url.appendingPathComponent("labels.pdf"))
        let labelText = try await Poppler.run("pdftotext", ["labels.pdf", "-"], in: dir.url)
        #expect(labelText.contains("Øster, Ib") && labelText.contains("Period 2027-03-01 – 2027-03-31"))
        let labelFonts = try await Poppler.run("pdffonts", ["labels.pdf"], in: dir.url)
        #expect(labelFonts.contains("DejaVuSans-Bold") && labelFonts.contains("DejaVuSans ") && Poppler.allFontsEmbedded(labelFonts), "\(labelFonts)")
        let picture = try await Poppler.picture("labels.pdf", in: dir.url)
        #expect(picture.pixels.filter { $0 < 128 }.count > 500, "labels drawn")
    }

    @Test("the embedded font is a subset: unused glyphs emptied, used and composite parts kept, far smaller than the font")
    func subset() throws {
        let font = PDFFont.sans.program
        let a = font.glyph("a"), ring = font.glyph("å"), z = font.glyph("z")
        let bytes = font.subset(keeping: [ring])
        let sub = try TrueTypeFont(bytes: bytes)
        #expect(sub.numGlyphs == font.numGlyphs && sub.glyph("å") == ring, "glyph IDs kept")
        func size(_ f: TrueTypeFont, _ g: Int) -> Int { f.glyphOffsets[g + 1] - f.glyphOffsets[g] }
        #expect(size(font, ring) > 0 && sub.bytes[sub.glyphOffsets[ring]...].starts(with: font.bytes[font.glyphOffsets[ring]..<font.glyphOffsets[ring + 1]]))
        for component in font.components(of: ring) { #expect(size(sub, component) > 0, "component \(component) of å kept") }
        #expect(size(sub, z) == 0, "z not used: emptied")
        #expect(font.components(of: ring).isEmpty || font.components(of: ring).contains(a))
        #expect(bytes.count < font.bytes.count / 2)
        // TextPDF's API is unchanged; its font is embedded now.
        let pdf = String(decoding: TextPDF.render("Ørsted 5 × 125.00 DKK").map { $0 < 0x80 ? $0 : 0x2E }, as: UTF8.self)
        #expect(pdf.contains("/FontFile2") && pdf.contains("+DejaVuSansMono") && !pdf.contains("/Courier"))
    }
}
