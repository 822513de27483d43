/// A document the lab sends to a customer or an authority, as an A4 PDF: on every page a header
/// block (lab name, document title, report number, issue date, status DRAFT or FINAL) and a footer
/// ("page x of y"); between them headings, paragraphs and tables with aligned columns, rows that
/// do not fit continuing on the next page under the table's column heads again. A cell holds several
/// lines when its text has "\n" in it. Text is set in DejaVu
/// Sans, embedded as a subset (``PDFFontUsage``), so the document looks the same everywhere and
/// `pdftotext` reads it back. Pages are landscape when a table needs the width.
///
/// ```swift
/// var doc = ServiceDocument(header: .init(title: "Result list", reportNumber: "RL-K-1001-20270131",
///                                         issued: "2027-02-03", status: .final, lines: ["Customer K-1001"]))
/// doc.blocks.append(.table(.init(columns: [.init("Wearer"), .init("Hp(10) mSv", alignment: .right)],
///                                rows: [["Ørsted, Hans", "0.12"]])))
/// let pdf = doc.pdf()
/// ```
///
/// PDF 1.4 reference (Adobe, 2001) §4.4 paths (`re`, `f`, `m`, `l`, `S`), §4.5 colours (`rg`, `g`,
/// `G`), §5.3 text objects; the page geometry is A4 (ISO 216: 210 × 297 mm = 595 × 842 pt).
public struct ServiceDocument: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        case draft, final
        public var label: String { self == .draft ? "DRAFT" : "FINAL" }
    }

    public struct Header: Sendable, Hashable {
        public var labName: String
        public var title: String
        public var reportNumber: String
        public var issued: String
        public var status: Status
        /// Under the title: the customer, the periods, … one line each.
        public var lines: [String]

        public init(labName: String = ServiceDocument.defaultLabName, title: String, reportNumber: String, issued: String,
                    status: Status, lines: [String] = []) {
            self.labName = labName
            self.title = title
            self.reportNumber = reportNumber
            self.issued = issued
            self.status = status
            self.lines = lines
        }
    }

    public enum Alignment: Sendable, Hashable { case left, right }

    public struct Column: Sendable, Hashable {
        public var title: String
        public var alignment: Alignment
        /// Long text in this column wraps onto further lines of its row instead of widening the table.
        public var wraps: Bool

        public init(_ title: String, alignment: Alignment = .left, wraps: Bool = false) {
            self.title = title
            self.alignment = alignment
            self.wraps = wraps
        }
    }

    public struct Table: Sendable, Hashable {
        public var caption: String
        public var columns: [Column]
        public var rows: [[String]]
        /// A closing row in bold (a subtotal), or none.
        public var footer: [String]?

        public init(caption: String = "", columns: [Column], rows: [[String]], footer: [String]? = nil) {
            self.caption = caption
            self.columns = columns
            self.rows = rows
            self.footer = footer
        }
    }

    public enum Block: Sendable, Hashable {
        case heading(String)
        case paragraph(String)
        case table(Table)
    }

    public static let defaultLabName = "TL Dosimetry Laboratory"

    public var header: Header
    public var blocks: [Block]

    public init(header: Header, blocks: [Block] = []) {
        self.header = header
        self.blocks = blocks
    }

    // MARK: Layout

    static let margin = 40.0, tableSize = 8.0, textSize = 9.0, cellPad = 4.0, minWrapWidth = 90.0

    /// Column widths of a table in points, spanning `available`: a narrow table's spare width goes to
    /// its wrapping columns (else its first); a wide one's wrapping columns give way first.
    static func columnWidths(_ table: Table, available: Double, size: Double) -> [Double] {
        var widths = naturalWidths(table, available: available, size: size)
        let spare = available - widths.reduce(0, +)
        if spare > 0, available.isFinite, !widths.isEmpty {
            let wrapping = table.columns.indices.filter { table.columns[$0].wraps }
            if wrapping.isEmpty { widths[0] += spare } else { for i in wrapping { widths[i] += spare / Double(wrapping.count) } }
        }
        return widths
    }

    static func naturalWidths(_ table: Table, available: Double, size: Double) -> [Double] {
        // A cell (or column title) may hold several lines, separated by "\n": its widest line counts.
        func width(_ text: String, _ font: PDFFont) -> Double {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { font.width(String($0), size: size) }.max() ?? 0
        }
        var natural = table.columns.map { width($0.title, .sansBold) + 2 * cellPad }
        for row in table.rows + [table.footer ?? []] {
            for (i, cell) in row.enumerated() where i < natural.count {
                natural[i] = max(natural[i], width(cell, .sans) + 2 * cellPad)
            }
        }
        let total = natural.reduce(0, +)
        guard total > available else { return natural }
        let fixed = zip(natural, table.columns).filter { !$0.1.wraps }.map(\.0).reduce(0, +)
        let wrapping = zip(natural, table.columns).filter { $0.1.wraps }.map(\.0).reduce(0, +)
        guard wrapping > 0, fixed < available else {
            // No room to give: every column in proportion (cells are cut with "…").
            return natural.map { $0 * available / total }
        }
        let share = (available - fixed) / wrapping
        return zip(natural, table.columns).map { $1.wraps ? max(minWrapWidth, $0 * share) : $0 }
    }

    /// The narrowest a table can be set: its fixed columns at their natural width and its wrapping ones at the minimum.
    static func minimumWidth(_ table: Table, size: Double) -> Double {
        let natural = naturalWidths(table, available: .infinity, size: size)
        return zip(natural, table.columns).map { $1.wraps ? min($0, minWrapWidth) : $0 }.reduce(0, +)
    }

    /// Landscape when a table does not fit the width of a portrait page.
    var landscape: Bool {
        blocks.contains { block in
            if case let .table(t) = block { return Self.minimumWidth(t, size: Self.tableSize) > 595 - 2 * Self.margin }
            return false
        }
    }

    public func pdf() -> [UInt8] {
        var page = PageWriter(width: landscape ? 842 : 595, height: landscape ? 595 : 842, header: header)
        for block in blocks {
            switch block {
            case let .heading(text):
                page.ensure(40)
                page.y -= 8
                page.text(text, x: Self.margin, font: .sansBold, size: 11)
                page.y -= 16
            case let .paragraph(text):
                for line in PDFFont.sans.wrapped(text, size: Self.textSize, width: page.contentWidth) {
                    page.ensure(13)
                    page.text(line, x: Self.margin, font: .sans, size: Self.textSize)
                    page.y -= 12.5
                }
            case let .table(table):
                page.table(table)
            }
        }
        return page.finished()
    }
}

/// Writes the pages of a ``ServiceDocument``: the content stream of each page, then the footers
/// (the page count known), the page objects and the fonts.
struct PageWriter {
    let width: Double, height: Double
    let header: ServiceDocument.Header
    var fonts = PDFFontUsage()
    var pages: [[UInt8]] = []
    var y = 0.0
    var bodyTop = 0.0
    static let footerTop = 52.0
    var margin: Double { ServiceDocument.margin }
    var contentWidth: Double { width - 2 * margin }

    init(width: Double, height: Double, header: ServiceDocument.Header) {
        self.width = width
        self.height = height
        self.header = header
        newPage()
    }

    mutating func newPage() {
        pages.append([])
        y = height - margin
        // Lab name and title on the left; report number, issue date and status on the right.
        text(header.labName, x: margin, font: .sansBold, size: 10)
        let right = [("Report", header.reportNumber), ("Issued", header.issued), ("Status", header.status.label)]
        var ry = y
        for (label, value) in right {
            let isStatus = label == "Status"
            let size = isStatus ? 11.0 : 9.0
            let font: PDFFont = isStatus ? .sansBold : .sans
            let valueWidth = font.width(value, size: size)
            if isStatus && header.status == .draft { add("0.75 0 0 rg\n") }
            text(value, x: width - margin - valueWidth, y: ry, font: font, size: size)
            if isStatus && header.status == .draft { add("0 g\n") }
            text(label, x: width - margin - 150, y: ry, font: .sans, size: 9, grey: true)
            ry -= 13
        }
        y -= 24
        text(header.title, x: margin, font: .sansBold, size: 16)
        y -= 18
        for line in header.lines {
            text(PDFFont.sans.fitted(line, size: 9.5, width: contentWidth - 160), x: margin, font: .sans, size: 9.5)
            y -= 12.5
        }
        y = min(y, ry) - 4
        add("0.3 G 0.8 w \(f(margin)) \(f(y)) m \(f(width - margin)) \(f(y)) l S\n")
        y -= 16
        bodyTop = y
    }

    /// Starts a new page unless `space` points are left above the footer.
    mutating func ensure(_ space: Double) {
        if y - space < Self.footerTop { newPage() }
    }

    mutating func add(_ s: String) { pages[pages.count - 1] += Array(s.utf8) }

    mutating func text(_ s: String, x: Double, y atY: Double? = nil, font: PDFFont, size: Double, grey: Bool = false) {
        guard !s.isEmpty else { return }
        let body = fonts.encode(s, in: font)
        let colour = grey ? "0.35 g " : ""
        pages[pages.count - 1] += Array("\(colour)BT /\(PDFFontUsage.resourceName(font)) \(f(size)) Tf \(f(x)) \(f(atY ?? y)) Td (".utf8)
            + body + Array(") Tj ET\(grey ? " 0 g" : "")\n".utf8)
    }

    mutating func table(_ table: ServiceDocument.Table) {
        let size = ServiceDocument.tableSize, pad = ServiceDocument.cellPad
        let leading = size * 1.25
        let widths = ServiceDocument.columnWidths(table, available: contentWidth, size: size)
        func cellLines(_ row: [String], font: PDFFont) -> [[String]] {
            table.columns.indices.map { i in
                let cell = i < row.count ? row[i] : ""
                let inner = widths[i] - 2 * pad
                return table.columns[i].wraps ? font.wrapped(cell, size: size, width: inner)
                    : cell.split(separator: "\n", omittingEmptySubsequences: false).map { font.fitted(String($0), size: size, width: inner) }
            }
        }
        func draw(_ lines: [[String]], font: PDFFont, shade: Bool) {
            let rowHeight = Double(lines.map(\.count).max() ?? 1) * leading + 3
            if shade { add("0.93 g \(f(margin)) \(f(y - rowHeight)) \(f(widths.reduce(0, +))) \(f(rowHeight)) re f 0 g\n") }
            var x = margin
            for (i, cell) in lines.enumerated() {
                var ly = y - size - 1.5
                for line in cell {
                    let tx = table.columns[i].alignment == .right ? x + widths[i] - pad - font.width(line, size: size) : x + pad
                    text(line, x: tx, y: ly, font: font, size: size)
                    ly -= leading
                }
                x += widths[i]
            }
            y -= rowHeight
        }
        func columnHeads() {
            draw(cellLines(table.columns.map(\.title), font: .sansBold), font: .sansBold, shade: true)
            add("0.5 G 0.5 w \(f(margin)) \(f(y)) m \(f(margin + widths.reduce(0, +))) \(f(y)) l S\n")
        }
        ensure(3 * leading + 24)
        if !table.caption.isEmpty {
            y -= 8
            text(table.caption, x: margin, font: .sansBold, size: 10)
            y -= 8
        }
        columnHeads()
        for (n, row) in table.rows.enumerated() {
            let lines = cellLines(row, font: .sans)
            let height = Double(lines.map(\.count).max() ?? 1) * leading + 3
            if y - height < Self.footerTop {
                newPage()
                columnHeads()
            }
            draw(lines, font: .sans, shade: n % 2 == 1)
        }
        if let footer = table.footer {
            ensure(leading + 6)
            add("0.5 G 0.5 w \(f(margin)) \(f(y)) m \(f(margin + widths.reduce(0, +))) \(f(y)) l S\n")
            draw(cellLines(footer, font: .sansBold), font: .sansBold, shade: false)
        }
        y -= 14
    }

    /// The file: footers on every page ("page x of y"), page objects, content streams, fonts.
    mutating func finished() -> [UInt8] {
        let count = pages.count
        for p in 0..<count {
            let footer = "\(header.reportNumber)  ·  \(header.status.label)  ·  issued \(header.issued)"
            let pageText = "Page \(p + 1) of \(count)"
            let body1 = fonts.encode(footer, in: .sans), body2 = fonts.encode(pageText, in: .sans)
            let x2 = width - margin - PDFFont.sans.width(pageText, size: 8)
            pages[p] += Array("0.6 G 0.5 w \(f(margin)) 40 m \(f(width - margin)) 40 l S\n".utf8)
            pages[p] += Array("0.35 g BT /F1 8 Tf \(f(margin)) 28 Td (".utf8) + body1 + Array(") Tj ET\n".utf8)
            pages[p] += Array("BT /F1 8 Tf \(f(x2)) 28 Td (".utf8) + body2 + Array(") Tj ET 0 g\n".utf8)
        }
        var file = PDFFile()
        let fontObject = 3 + 2 * count
        file.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        file.object(2, "<< /Type /Pages /Kids [\((0..<count).map { "\(3 + 2 * $0) 0 R" }.joined(separator: " "))] /Count \(count) >>")
        let resources = fonts.resources(firstObject: fontObject)
        for (p, content) in pages.enumerated() {
            file.object(3 + 2 * p, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Int(width)) \(Int(height))] "
                + "/Resources << /Font \(resources) >> /Contents \(4 + 2 * p) 0 R >>")
            file.stream(4 + 2 * p, content)
        }
        fonts.addFonts(to: &file, firstObject: fontObject)
        return file.finished()
    }

    func f(_ v: Double) -> String { TextPDF.format(v) }
}
