import Foundation

/// The lab's PDF documents read as a reader sees them, through poppler-utils (installed by
/// scripts/install-deps.sh): `pdftotext` for the text, `pdftoppm` for a page as a picture, `pdffonts`
/// for the fonts. One home for what four test files wrote each for themselves.
public enum Poppler {
    /// A poppler tool that failed (not installed, or the PDF is unreadable): the tool, its status and stderr.
    public struct Failure: Error, CustomStringConvertible {
        public let tool: String
        public let status: Int32
        public let stderr: String
        public var description: String {
            "\(tool) exited \(status) (poppler-utils, scripts/install-deps.sh): \(stderr)"
        }
    }

    /// Runs `/usr/bin/TOOL arguments` in `directory` and returns its stdout; a non-zero exit throws.
    public static func run(_ tool: String, _ arguments: [String], in directory: URL) async throws -> String {
        let r = try await ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/\(tool)")).run(arguments, in: directory)
        guard r.status == 0 else { throw Failure(tool: tool, status: r.status, stderr: r.stderr) }
        return r.stdout
    }

    /// The PDF's text as `pdftotext` gives it (with `-layout` unless `layout` is false).
    public static func text(_ pdf: URL, layout: Bool = true) async throws -> String {
        try await run("pdftotext", (layout ? ["-layout"] : []) + [pdf.path, "-"], in: pdf.deletingLastPathComponent())
    }

    /// The text with each run of blanks made one space (a layout's column gaps vary with the figures).
    public static func squeezed(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .joined(separator: "\n")
    }

    /// A page rendered in grey by `pdftoppm -gray` (a binary PGM).
    public struct Picture: Sendable, CustomStringConvertible {
        public let width: Int
        public let height: Int
        public let pixels: [UInt8]

        public var description: String { "\(width)×\(height) px, \(dark) dark" }

        /// How many pixels are darker than mid-grey (ink on the page).
        public var dark: Int { pixels.lazy.filter { $0 < 128 }.count }

        /// A4 (595 × 842 pt) at `dpi`, portrait or landscape, to a pixel.
        public func isA4(portrait: Bool, dpi: Int = 60) -> Bool {
            let (w, h) = portrait ? (width, height) : (height, width)
            let a4w = Int((595.0 * Double(dpi) / 72).rounded()), a4h = Int((842.0 * Double(dpi) / 72).rounded())
            return abs(w - a4w) <= 1 && abs(h - a4h) <= 1
        }
    }

    /// Page `page` of `pdf` (a name in `directory`) rendered in grey at `dpi`.
    public static func picture(_ pdf: String, page: Int = 1, dpi: Int = 60, in directory: URL) async throws -> Picture {
        _ = try await run("pdftoppm", ["-gray", "-r", "\(dpi)", "-f", "\(page)", "-l", "\(page)", "-singlefile", pdf, "page"],
                          in: directory)
        let file = directory.appendingPathComponent("page.pgm")
        let bytes = [UInt8](try Data(contentsOf: file))
        // "P5\nW H\nMAX\n" then one byte per pixel.
        var fields: [String] = []
        var i = 0
        while fields.count < 4, i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A { i += 1 }
            var field = ""
            while i < bytes.count, bytes[i] != 0x20, bytes[i] != 0x0A { field.append(Character(Unicode.Scalar(bytes[i]))); i += 1 }
            fields.append(field)
        }
        guard fields.count == 4, fields[0] == "P5", let width = Int(fields[1]), let height = Int(fields[2]), i + 1 <= bytes.count else {
            throw MissingFixture(path: file.path, underlying: "not a binary PGM header: \(fields)")
        }
        return Picture(width: width, height: height, pixels: Array(bytes[(i + 1)...]))
    }

    /// Whether every font `pdffonts` lists is embedded ("emb" yes) as a subset ("sub" yes).
    public static func allFontsEmbedded(_ pdffontsOutput: String) -> Bool {
        let lines = pdffontsOutput.split(separator: "\n").dropFirst(2)
        return !lines.isEmpty && lines.allSatisfy { line in
            let columns = line.split(separator: " ")
            return columns.count >= 7 && columns[columns.count - 5] == "yes" && columns[columns.count - 4] == "yes"
        }
    }
}
