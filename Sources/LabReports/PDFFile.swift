/// The bytes of a minimal PDF 1.4 file (ISO 32000-1, section 7.5: header, numbered indirect objects,
/// cross-reference table, trailer), as the lab's text documents and label sheets write it. Objects are
/// added in number order starting at 1; object 1 is the document catalog.
///
/// ```swift
/// var file = PDFFile()
/// file.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
/// …
/// let bytes = file.finished()
/// ```
struct PDFFile {
    private var out: [UInt8] = Array("%PDF-1.4\n%\u{00E2}\u{00E3}\n".utf8)
    private var offsets: [Int] = []

    /// Adds indirect object `number` (the next in order) with `body`.
    mutating func object(_ number: Int, _ body: [UInt8]) {
        precondition(number == offsets.count + 1, "PDF objects are added in number order")
        offsets.append(out.count)
        out += Array("\(number) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
    }

    mutating func object(_ number: Int, _ body: String) { object(number, Array(body.utf8)) }

    /// Adds a content stream object with its `/Length`.
    mutating func stream(_ number: Int, _ content: [UInt8]) {
        object(number, Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
    }

    /// The file: the objects, the cross-reference table (10-digit byte offsets) and the trailer.
    func finished() -> [UInt8] {
        var bytes = out
        let xref = bytes.count
        bytes += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for o in offsets {
            let digits = String(o)
            bytes += Array((String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n").utf8)
        }
        bytes += Array("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return bytes
    }
}
