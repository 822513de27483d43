/// A plain PDF 1.4 document of monospaced text pages (A4, Courier, WinAnsiEncoding), for printing the
/// packing slip and the result list without a browser. Wide text (over 100 characters a line) is set
/// on landscape pages; the font size shrinks so the longest line fits the page width; long documents
/// continue on further pages.
///
/// Written from the PDF 1.4 reference (Adobe, 2001): §3.4 file structure (header, objects, cross-
/// reference table with 20-byte entries, trailer), §5.3 text objects (`BT`, `Tf`, `TL`, `Td`, `Tj`,
/// `T*`), §5.5.1 the standard Type 1 font Courier (600/1000 em wide), Appendix D WinAnsiEncoding.
public enum TextPDF {
    static let a4Short = 595.0, a4Long = 842.0, margin = 40.0

    public static func render(_ text: String) -> [UInt8] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let longest = max(40, lines.map(\.count).max() ?? 40)
        let landscape = longest > 100
        let pageWidth = landscape ? a4Long : a4Short
        let pageHeight = landscape ? a4Short : a4Long
        let fontSize = min(10.0, (pageWidth - 2 * margin) / (0.6 * Double(longest)))
        let leading = fontSize * 1.2
        let perPage = max(1, Int((pageHeight - 2 * margin) / leading))
        let pages = stride(from: 0, to: max(lines.count, 1), by: perPage).map { Array(lines[$0..<min($0 + perPage, lines.count)]) }

        var file = PDFFile()
        // 1 catalog, 2 pages, 3 font, then per page: page object, content stream.
        let kids = pages.indices.map { "\(4 + 2 * $0) 0 R" }.joined(separator: " ")
        file.object(1, Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        file.object(2, Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>".utf8))
        file.object(3, Array("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>".utf8))
        for (i, page) in pages.enumerated() {
            let pageObject = 4 + 2 * i
            file.object(pageObject, Array(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(pageWidth)) \(Int(pageHeight))] "
                + "/Resources << /Font << /F1 3 0 R >> >> /Contents \(pageObject + 1) 0 R >>").utf8))
            var stream: [UInt8] = Array("BT /F1 \(format(fontSize)) Tf \(format(leading)) TL \(Int(margin)) \(Int(pageHeight - margin - fontSize)) Td\n".utf8)
            for line in page {
                stream += Array("(".utf8) + escaped(line) + Array(") Tj T*\n".utf8)
            }
            stream += Array("ET".utf8)
            file.stream(pageObject + 1, stream)
        }
        return file.finished()
    }

    static func format(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// The line in WinAnsiEncoding as a PDF literal string body: `(`, `)` and `\` escaped; characters
    /// outside the encoding become `?`.
    static func escaped(_ line: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in line.unicodeScalars {
            let byte: UInt8
            switch scalar.value {
            case 0x28, 0x29, 0x5C: bytes.append(0x5C); byte = UInt8(scalar.value)
            case 0x20...0x7E, 0xA0...0xFF: byte = UInt8(scalar.value)
            case 0x2013: byte = 0x96  // en dash
            case 0x2014: byte = 0x97  // em dash
            case 0x2026: byte = 0x85  // ellipsis
            case 0x20AC: byte = 0x80  // euro sign
            default: byte = 0x3F
            }
            bytes.append(byte)
        }
        return bytes
    }
}
