/// The labels printed on the foils the cards are packed in before dispatch (DOMAIN.md §1: "packed in
/// a foil printed with the name and measurement period"): one label per card with the wearer's name,
/// the enrolment (TILM) number, the wear period and the card number, on A4 label sheets of 3 × 8
/// labels of 70 × 37 mm (the common 24-up A4 sheet, 210 × 297 mm, no margins).
///
/// The PDF is written from the PDF 1.4 reference (Adobe, 2001) like ``TextPDF``: §3.4 file structure,
/// §4.4.1 path construction (`re`) and painting (`S`), §4.5 colour (`G`), §5.3 text objects, DejaVu
/// Sans and Sans Bold embedded as subsets (``PDFFontUsage``), Appendix D WinAnsiEncoding (Æ, Ø, Å).
public struct LabelSheet: Sendable, Hashable {
    public struct Label: Sendable, Hashable {
        public var wearerName: String
        public var enrolmentNumber: String
        public var periodStart: String
        public var periodEnd: String
        public var cardID: String
        public var customerNumber: String
        public var dosimeterType: String

        public init(wearerName: String, enrolmentNumber: String, periodStart: String, periodEnd: String, cardID: String,
                    customerNumber: String, dosimeterType: String) {
            self.wearerName = wearerName
            self.enrolmentNumber = enrolmentNumber
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.cardID = cardID
            self.customerNumber = customerNumber
            self.dosimeterType = dosimeterType
        }

        /// The label's lines, top to bottom; the first is set in bold.
        public var lines: [String] {
            [wearerName, "\(enrolmentNumber)   \(customerNumber)", "Period \(periodStart) – \(periodEnd)",
             "Card \(cardID)   \(dosimeterType)"]
        }
    }

    public var labels: [Label]
    public init(labels: [Label]) { self.labels = labels }

    public static let columns = 3, rows = 8
    static let pageWidth = 595.0, pageHeight = 842.0
    static let labelWidth = pageWidth / Double(columns), labelHeight = pageHeight / Double(rows)

    /// The sheets as one PDF, labels in the given order, left to right and top to bottom.
    public func pdf() -> [UInt8] {
        let perPage = Self.columns * Self.rows
        let pages = labels.isEmpty ? [[]] : stride(from: 0, to: labels.count, by: perPage).map {
            Array(labels[$0..<min($0 + perPage, labels.count)])
        }
        var file = PDFFile()
        var fonts = PDFFontUsage()
        // 1 catalog, 2 pages, then per page: page object, content stream; then the fonts (3 objects each).
        let fontObject = 3 + 2 * pages.count
        let kids = pages.indices.map { "\(3 + 2 * $0) 0 R" }.joined(separator: " ")
        file.object(1, Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        file.object(2, Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
        var streams: [[UInt8]] = []
        for page in pages {
            var stream: [UInt8] = Array("0.6 G 0.3 w\n".utf8)
            for (i, label) in page.enumerated() {
                let x = Double(i % Self.columns) * Self.labelWidth
                let top = Self.pageHeight - Double(i / Self.columns) * Self.labelHeight
                // The cut line (thin grey), then the text 12 pt in from the edges.
                stream += Array("\(TextPDF.format(x + 2)) \(TextPDF.format(top - Self.labelHeight + 2)) \(TextPDF.format(Self.labelWidth - 4)) \(TextPDF.format(Self.labelHeight - 4)) re S\n".utf8)
                var y = top - 26
                for (n, line) in label.lines.enumerated() {
                    let size = n == 0 ? 11.0 : 8.5
                    let font: PDFFont = n == 0 ? .sansBold : .sans
                    let fitted = font.fitted(line, size: size, width: Self.labelWidth - 24)
                    stream += Array("BT /\(PDFFontUsage.resourceName(font)) \(TextPDF.format(size)) Tf \(TextPDF.format(x + 12)) \(TextPDF.format(y)) Td (".utf8)
                        + fonts.encode(fitted, in: font) + Array(") Tj ET\n".utf8)
                    y -= n == 0 ? 19 : 14
                }
            }
            streams.append(stream)
        }
        if fonts.fonts.isEmpty { _ = fonts.encode(" ", in: .sans) }
        let resources = fonts.resources(firstObject: fontObject)
        for (p, stream) in streams.enumerated() {
            let pageObject = 3 + 2 * p
            file.object(pageObject, Array(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(Self.pageWidth)) \(Int(Self.pageHeight))] "
                + "/Resources << /Font \(resources) >> /Contents \(pageObject + 1) 0 R >>").utf8))
            file.stream(pageObject + 1, stream)
        }
        fonts.addFonts(to: &file, firstObject: fontObject)
        return file.finished()
    }

    /// The line cut (with "…") so that it fits `width` points at `size` in DejaVu Sans.
    static func fitted(_ line: String, size: Double, width: Double) -> String {
        PDFFont.sans.fitted(line, size: size, width: width)
    }
}
