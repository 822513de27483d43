/// A plain PDF 1.4 document of monospaced text pages (A4, DejaVu Sans Mono embedded as a subset,
/// WinAnsiEncoding), for printing a plain-text report without a browser. Wide text (over 100
/// characters a line) is set on landscape pages; the font size shrinks so the longest line fits the
/// page width; long documents continue on further pages. Documents sent to customers and authorities
/// use ``ServiceDocument`` (header, report number, status, tables, page numbers) instead.
///
/// Written from the PDF 1.4 reference (Adobe, 2001): §3.4 file structure (header, objects, cross-
/// reference table with 20-byte entries, trailer), §5.3 text objects (`BT`, `Tf`, `TL`, `Td`, `Tj`,
/// `T*`), §5.5 TrueType fonts and §5.8 embedded font programs (``PDFFontUsage``), Appendix D
/// WinAnsiEncoding. DejaVu Sans Mono is 1233/2048 em wide (602 thousandths).
public enum TextPDF {
    static let a4Short = 595.0, a4Long = 842.0, margin = 40.0

    public static func render(_ text: String) -> [UInt8] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let longest = max(40, lines.map(\.count).max() ?? 40)
        let landscape = longest > 100
        let pageWidth = landscape ? a4Long : a4Short
        let pageHeight = landscape ? a4Short : a4Long
        let em = Double(PDFFont.mono.widths[0x20]) / 1000
        let fontSize = min(10.0, (pageWidth - 2 * margin) / (em * Double(longest)))
        let leading = fontSize * 1.2
        let perPage = max(1, Int((pageHeight - 2 * margin) / leading))
        let pages = stride(from: 0, to: max(lines.count, 1), by: perPage).map { Array(lines[$0..<min($0 + perPage, lines.count)]) }

        var file = PDFFile()
        var fonts = PDFFontUsage()
        // 1 catalog, 2 pages, then per page: page object, content stream; then the font's 3 objects.
        let fontObject = 3 + 2 * pages.count
        let kids = pages.indices.map { "\(3 + 2 * $0) 0 R" }.joined(separator: " ")
        file.object(1, Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        file.object(2, Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
        let font = PDFFontUsage.resourceName(.mono)
        for (i, page) in pages.enumerated() {
            let pageObject = 3 + 2 * i
            file.object(pageObject, Array(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(pageWidth)) \(Int(pageHeight))] "
                + "/Resources << /Font << /\(font) \(fontObject) 0 R >> >> /Contents \(pageObject + 1) 0 R >>").utf8))
            var stream: [UInt8] = Array("BT /\(font) \(format(fontSize)) Tf \(format(leading)) TL \(Int(margin)) \(Int(pageHeight - margin - fontSize)) Td\n".utf8)
            for line in page {
                stream += Array("(".utf8) + fonts.encode(line, in: .mono) + Array(") Tj T*\n".utf8)
            }
            stream += Array("ET".utf8)
            file.stream(pageObject + 1, stream)
        }
        if fonts.fonts.isEmpty { _ = fonts.encode(" ", in: .mono) }
        fonts.addFonts(to: &file, firstObject: fontObject)
        return file.finished()
    }

    static func format(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let frac = magnitude % 100
        return "\(sign)\(magnitude / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// The line in WinAnsiEncoding as a PDF literal string body: `(`, `)` and `\\` escaped; characters
    /// outside the encoding become `?`.
    static func escaped(_ line: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in line.unicodeScalars {
            let code = WinAnsiEncoding.code(scalar)
            if code == 0x28 || code == 0x29 || code == 0x5C { bytes.append(0x5C) }
            bytes.append(code)
        }
        return bytes
    }
}
