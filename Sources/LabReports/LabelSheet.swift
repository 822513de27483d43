/// The labels printed on the foils the cards are packed in before dispatch (DOMAIN.md §1: "packed in
/// a foil printed with the name and measurement period"): one label per card with the wearer's name,
/// the enrolment (TILM) number, the wear period and the card number, on A4 label sheets of 3 × 8
/// labels of 70 × 37 mm (the common 24-up A4 sheet, 210 × 297 mm, no margins).
///
/// The PDF is written from the PDF 1.4 reference (Adobe, 2001) like ``TextPDF``: §3.4 file structure,
/// §4.4.1 path construction (`re`) and painting (`S`), §4.5 colour (`G`), §5.3 text objects, §5.5.1 the
/// standard Type 1 fonts Helvetica and Helvetica-Bold, Appendix D WinAnsiEncoding (Æ, Ø, Å included).
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
        // 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, then per page: page object, content stream.
        let kids = pages.indices.map { "\(5 + 2 * $0) 0 R" }.joined(separator: " ")
        file.object(1, Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        file.object(2, Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
        file.object(3, Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8))
        file.object(4, Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".utf8))
        for (p, page) in pages.enumerated() {
            let pageObject = 5 + 2 * p
            file.object(pageObject, Array(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(Self.pageWidth)) \(Int(Self.pageHeight))] "
                + "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(pageObject + 1) 0 R >>").utf8))
            var stream: [UInt8] = Array("0.6 G 0.3 w\n".utf8)
            for (i, label) in page.enumerated() {
                let x = Double(i % Self.columns) * Self.labelWidth
                let top = Self.pageHeight - Double(i / Self.columns) * Self.labelHeight
                // The cut line (thin grey), then the text 12 pt in from the edges.
                stream += Array("\(TextPDF.format(x + 2)) \(TextPDF.format(top - Self.labelHeight + 2)) \(TextPDF.format(Self.labelWidth - 4)) \(TextPDF.format(Self.labelHeight - 4)) re S\n".utf8)
                var y = top - 26
                for (n, line) in label.lines.enumerated() {
                    let size = n == 0 ? 11.0 : 8.5
                    let fitted = Self.fitted(line, size: size, width: Self.labelWidth - 24)
                    stream += Array("BT /\(n == 0 ? "F2" : "F1") \(TextPDF.format(size)) Tf \(TextPDF.format(x + 12)) \(TextPDF.format(y)) Td (".utf8)
                        + TextPDF.escaped(fitted) + Array(") Tj ET\n".utf8)
                    y -= n == 0 ? 19 : 14
                }
            }
            file.stream(pageObject + 1, stream)
        }
        return file.finished()
    }

    /// The line cut (with "…") so that it fits `width` points at `size`, taking Helvetica's widest
    /// common glyph as 0.6 em: a safe upper bound for names in Latin script.
    static func fitted(_ line: String, size: Double, width: Double) -> String {
        let maxChars = Int(width / (0.6 * size))
        guard line.count > maxChars, maxChars > 1 else { return line }
        return String(line.prefix(maxChars - 1)) + "…"
    }
}
