import Foundation

/// The fonts of the lab's PDF documents: DejaVu Sans, Sans Bold and Sans Mono (free, Bitstream Vera
/// licence, fonts/dejavu/LICENSE), shipped in the program (``EmbeddedFontData``) and embedded in each
/// PDF as a subset of the glyphs it uses, so that any viewer, printer or `pdftotext` shows the same
/// text (ISO 32000-1 §9.6.3 TrueType fonts, §9.8 font descriptors, §9.9 `FontFile2`).
public enum PDFFont: Int, Sendable, Hashable, CaseIterable, Comparable {
    case sans, sansBold, mono

    public static func < (a: PDFFont, b: PDFFont) -> Bool { a.rawValue < b.rawValue }

    var postScriptName: String {
        switch self {
        case .sans: "DejaVuSans"
        case .sansBold: "DejaVuSans-Bold"
        case .mono: "DejaVuSansMono"
        }
    }

    /// The font file, read once per process.
    var program: TrueTypeFont {
        switch self {
        case .sans: Self.sansProgram
        case .sansBold: Self.sansBoldProgram
        case .mono: Self.monoProgram
        }
    }

    static let sansProgram = load(EmbeddedFontData.dejaVuSans, "DejaVuSans")
    static let sansBoldProgram = load(EmbeddedFontData.dejaVuSansBold, "DejaVuSans-Bold")
    static let monoProgram = load(EmbeddedFontData.dejaVuSansMono, "DejaVuSansMono")

    static func load(_ base64: String, _ name: String) -> TrueTypeFont {
        guard let data = Data(base64Encoded: base64) else { preconditionFailure("the built-in font \(name) is not valid base64") }
        do { return try TrueTypeFont(bytes: [UInt8](data)) } catch {
            preconditionFailure("the built-in font \(name) cannot be read: \(error)")
        }
    }

    /// Advance widths of the WinAnsiEncoding codes, thousandths of an em.
    var widths: [Int] { Self.widthTables[rawValue] }

    static let widthTables: [[Int]] = allCases.map { font in
        let program = font.program
        return (0...255).map { code in
            WinAnsiEncoding.scalar(UInt8(code)).map { program.width(glyph: program.glyph($0)) } ?? program.width(glyph: 0)
        }
    }

    /// The width of `text` set at `size` points.
    public func width(_ text: String, size: Double) -> Double {
        let w = widths
        var total = 0
        for s in text.unicodeScalars { total += w[Int(WinAnsiEncoding.code(s))] }
        return Double(total) * size / 1000
    }

    /// The longest start of `text` (with "…") that fits `width` points at `size`.
    public func fitted(_ text: String, size: Double, width maxWidth: Double) -> String {
        guard width(text, size: size) > maxWidth + 0.01 else { return text }
        var chars = Array(text)
        while !chars.isEmpty && width(String(chars) + "…", size: size) > maxWidth { chars.removeLast() }
        return String(chars) + "…"
    }

    /// `text` broken at spaces into lines no wider than `width` points (a word wider than that is cut).
    public func wrapped(_ text: String, size: Double, width maxWidth: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                if line.isEmpty || width(candidate, size: size) <= maxWidth + 0.01 {
                    line = fitted(candidate, size: size, width: maxWidth)
                } else {
                    lines.append(line)
                    line = fitted(String(word), size: size, width: maxWidth)
                }
            }
            lines.append(line)
        }
        return lines
    }
}

/// The fonts a PDF document uses and the characters it sets in each, gathered while its pages are
/// written; then the font objects, each with the subset of its glyphs the document needs.
struct PDFFontUsage {
    /// Per font (by raw value), which of the 256 codes are set.
    private var used = [[Bool]](repeating: [Bool](repeating: false, count: 256), count: PDFFont.allCases.count)
    private var usedFonts: Set<PDFFont> = []

    /// `text` as a PDF literal string body in WinAnsiEncoding (`(`, `)` and `\` escaped), noting its
    /// characters as used in `font`.
    mutating func encode(_ text: String, in font: PDFFont) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 4)
        if !usedFonts.contains(font) { usedFonts.insert(font) }
        let f = font.rawValue
        for scalar in text.unicodeScalars {
            let code = WinAnsiEncoding.code(scalar)
            used[f][Int(code)] = true
            if code == 0x28 || code == 0x29 || code == 0x5C { bytes.append(0x5C) }
            bytes.append(code)
        }
        return bytes
    }

    /// The fonts used, in a fixed order.
    var fonts: [PDFFont] { usedFonts.sorted() }

    /// The codes set in `font`.
    func codes(_ font: PDFFont) -> [UInt8] { (0..<256).filter { used[font.rawValue][$0] }.map { UInt8($0) } }

    /// The resource name of a font in content streams: `/F1`, `/F2`, `/F3`.
    static func resourceName(_ font: PDFFont) -> String { "F\(font.rawValue + 1)" }

    /// The `/Font` resource dictionary, the fonts' objects numbered from `first` (3 objects per font).
    func resources(firstObject first: Int) -> String {
        "<< " + fonts.enumerated().map { "/\(Self.resourceName($1)) \(first + 3 * $0) 0 R" }.joined(separator: " ") + " >>"
    }

    /// Adds each used font's dictionary, descriptor and font program (objects `first`, `first + 1`, …).
    func addFonts(to file: inout PDFFile, firstObject first: Int) {
        for (i, font) in fonts.enumerated() {
            let used = codes(font)
            let program = font.program
            let glyphs = Set(used.compactMap { WinAnsiEncoding.scalar($0) }.map { program.glyph($0) })
            let embedded = EmbeddedSubsets.shared.subset(of: font, glyphs: glyphs)
            let name = "\(embedded.tag)+\(font.postScriptName)"
            let number = first + 3 * i
            let firstChar = Int(used.min() ?? 32), lastChar = Int(used.max() ?? 32)
            let widths = font.widths[firstChar...lastChar].map(String.init).joined(separator: " ")
            file.object(number, "<< /Type /Font /Subtype /TrueType /BaseFont /\(name) /FirstChar \(firstChar) /LastChar \(lastChar) "
                + "/Widths [\(widths)] /Encoding /WinAnsiEncoding /FontDescriptor \(number + 1) 0 R >>")
            // Flags (Table 123): 32 nonsymbolic (its characters are in the standard Latin set), 1 fixed pitch.
            let flags = 32 + (program.isFixedPitch ? 1 : 0)
            file.object(number + 1, "<< /Type /FontDescriptor /FontName /\(name) /Flags \(flags) "
                + "/FontBBox [\(program.scaled(program.xMin)) \(program.scaled(program.yMin)) \(program.scaled(program.xMax)) \(program.scaled(program.yMax))] "
                + "/ItalicAngle 0 /Ascent \(program.scaled(program.ascender)) /Descent \(program.scaled(program.descender)) "
                + "/CapHeight \(program.scaled(program.capHeight)) /StemV \(font == .sansBold ? 140 : 80) /FontFile2 \(number + 2) 0 R >>")
            file.object(number + 2, Array("<< /Length \(embedded.bytes.count) /Length1 \(embedded.bytes.count) >>\nstream\n".utf8)
                + embedded.bytes + Array("\nendstream".utf8))
        }
    }
}

/// Font subsets already made in this process, by font and glyph set: a dispatch writes hundreds of
/// PDFs, most of them with the same characters.
final class EmbeddedSubsets: @unchecked Sendable {  // every access holds `lock`
    static let shared = EmbeddedSubsets()
    struct Key: Hashable { var font: PDFFont; var glyphs: Set<Int> }
    struct Subset { var tag: String; var bytes: [UInt8] }
    private let lock = NSLock()
    private var made: [Key: Subset] = [:]

    func subset(of font: PDFFont, glyphs: Set<Int>) -> Subset {
        let key = Key(font: font, glyphs: glyphs)
        if let hit = lock.withLock({ made[key] }) { return hit }
        let subset = Subset(tag: Self.tag(glyphs), bytes: font.program.subset(keeping: glyphs))
        lock.withLock {
            if made.count >= 512 { made.removeAll() }
            made[key] = subset
        }
        return subset
    }

    /// Six upper-case letters from the glyph set (ISO 32000-1 §9.6.4), the same for the same set.
    static func tag(_ glyphs: Set<Int>) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        for g in glyphs.sorted() {
            hash = (hash ^ UInt64(g & 0xFF)) &* 0x100_0000_01B3
            hash = (hash ^ UInt64(g >> 8)) &* 0x100_0000_01B3
        }
        var letters = ""
        for _ in 0..<6 {
            letters.append(Character(Unicode.Scalar(UInt8(65 + hash % 26))))
            hash /= 26
        }
        return letters
    }
}
