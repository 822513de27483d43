/// A person's dose history as a document (issue 13 item 7): the person's own extract of their dose
/// record, or the termination report when an enrolment ends. Header (lab, title, report number, issue
/// date, DRAFT/FINAL), the person (name, national ID as its first 4 digits only), every period with its
/// status, the sums, the conventions footnote. Text, HTML and A4 portrait PDF (``ServiceDocument``).
public struct DoseHistoryReport: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `tld history --out`: the person's whole record.
        case extract
        /// `tld history --termination --enrolment TILM-…`: the doses of one enrolment that ended.
        case termination

        public var title: String { self == .extract ? "PERSONAL DOSE RECORD" : "TERMINATION REPORT" }
    }

    /// One period as printed.
    public struct Period: Sendable, Hashable {
        public var customer: String
        public var enrolment: String
        public var dosimeter: String
        public var card: String
        public var periodStart: String
        public var periodEnd: String
        /// As printed: "0.12", "<0.05", "0.20 A" (assigned), "—".
        public var hp10: String
        public var hp007: String
        public var status: String
        public var remarks: String

        public init(customer: String, enrolment: String, dosimeter: String, card: String, periodStart: String, periodEnd: String,
                    hp10: String, hp007: String, status: String, remarks: String) {
            self.customer = customer
            self.enrolment = enrolment
            self.dosimeter = dosimeter
            self.card = card
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.hp10 = hp10
            self.hp007 = hp007
            self.status = status
            self.remarks = remarks
        }
    }

    /// One line of the sums table.
    public struct Sum: Sendable, Hashable {
        /// What is summed: "year 2027", "5 years 2023–2027", "lifetime", "this enrolment".
        public var window: String
        /// "person" (Hp(10) whole-body + neutron) or a dosimeter type.
        public var of: String
        public var hp10: String
        public var hp007: String
        public var periods: Int
        public var belowDetectionLimit: Int
        public var assigned: Int
        public var open: Int

        public init(window: String, of: String, hp10: String, hp007: String, periods: Int, belowDetectionLimit: Int, assigned: Int, open: Int) {
            self.window = window
            self.of = of
            self.hp10 = hp10
            self.hp007 = hp007
            self.periods = periods
            self.belowDetectionLimit = belowDetectionLimit
            self.assigned = assigned
            self.open = open
        }
    }

    public var kind: Kind
    public var reportNumber: String
    public var issued: String
    public var personName: String
    /// At most the first 4 digits of the national ID.
    public var nationalIDFirst4: String
    /// Further header lines: the customers, the enrolment and its dates, the day the sums are as of.
    public var lines: [String]
    public var periods: [Period]
    public var sums: [Sum]
    /// Marked DRAFT while a period is still without its dose (not returned, not released).
    public var isDraft: Bool
    /// Remarks printed after the sums (e.g. why the report is a draft).
    public var notes: [String]

    public init(kind: Kind, reportNumber: String, issued: String, personName: String, nationalIDFirst4: String, lines: [String],
                periods: [Period], sums: [Sum], isDraft: Bool, notes: [String] = []) {
        self.kind = kind
        self.reportNumber = reportNumber
        self.issued = issued
        self.personName = personName
        self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
        self.lines = lines
        self.periods = periods
        self.sums = sums
        self.isDraft = isDraft
        self.notes = notes
    }

    public var status: String { isDraft ? "DRAFT - doses still open" : "FINAL" }

    var personLine: String { "Person \(personName), national ID \(nationalIDFirst4)******" }

    static let periodHeads = ["customer", "enrolment", "dosimeter", "card", "period", "Hp(10) mSv", "Hp(0.07) mSv", "status", "remarks"]
    static let sumHeads = ["sum", "of", "Hp(10) mSv", "Hp(0.07) mSv", "periods", "<DL", "assigned", "open"]

    func periodCells(_ p: Period) -> [String] {
        [p.customer, p.enrolment, p.dosimeter, p.card, "\(p.periodStart)–\(p.periodEnd)", p.hp10, p.hp007, p.status, p.remarks]
    }

    func sumCells(_ s: Sum) -> [String] {
        [s.window, s.of, s.hp10, s.hp007, "\(s.periods)", "\(s.belowDetectionLimit)", "\(s.assigned)", "\(s.open)"]
    }

    static var conventions: [String] {
        DoseConventions.doses + [
            "A period counts in the quarter and calendar year in which it ends; 5 years: the five calendar years ending with the year shown; lifetime: every period on the record, at every customer.",
            "The person's Hp(10) is whole-body + neutron; a shoulder dosimeter (a second body dosimeter) and a finger dosimeter (extremity, Hp(0.07) only) are summed on their own.",
        ]
    }

    public func text() -> String {
        var out = (isDraft ? "DRAFT  " : "") + "\(kind.title)  \(reportNumber)  status \(status)  issued \(issued)\n"
        out += personLine + "\n" + lines.map { $0 + "\n" }.joined() + "\n"
        out += periods.isEmpty ? "(no periods)\n" : ReportFormatting.textTable(Self.periodHeads, periods.map(periodCells), rightAligned: [5, 6])
        out += "\nSums\n" + ReportFormatting.textTable(Self.sumHeads, sums.map(sumCells), rightAligned: [2, 3, 4, 5, 6, 7])
        out += "\n" + notes.map { $0 + "\n" }.joined()
        out += "Conventions: " + Self.conventions.joined(separator: " ") + "\n"
        return out
    }

    public func html() -> String {
        let h = ReportFormatting.html
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(h(kind.title)) \(h(reportNumber))</title>"
        out += ReportFormatting.htmlStyle + "</head><body>\n"
        out += "<h1>\(isDraft ? "DRAFT – " : "")\(h(kind.title))</h1>\n"
        out += "<p>Report \(h(reportNumber)), status <b>\(h(status))</b>, issued \(h(issued))<br>\(h(personLine))"
        out += lines.map { "<br>" + h($0) }.joined() + "</p>\n"
        func table(_ heads: [String], _ rows: [[String]], numeric: Set<Int>) -> String {
            var t = "<table>\n<tr>" + heads.map { "<th>\(h($0))</th>" }.joined() + "</tr>\n"
            for row in rows {
                t += "<tr>" + row.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"n\"" : "")>\(h($0.element))</td>" }.joined() + "</tr>\n"
            }
            return t + "</table>\n"
        }
        out += table(Self.periodHeads, periods.map(periodCells), numeric: [5, 6])
        out += "<h2>Sums</h2>\n" + table(Self.sumHeads, sums.map(sumCells), numeric: [2, 3, 4, 5, 6, 7])
        for line in notes + ["Conventions: " + Self.conventions.joined(separator: " ")] { out += "<p class=\"remark\">\(h(line))</p>\n" }
        return out + "</body></html>\n"
    }

    public func pdf(labName: String = ServiceDocument.defaultLabName) -> [UInt8] { document(labName: labName).pdf() }

    /// The A4 portrait document: period cells of two lines so the table fits the page's width.
    public func document(labName: String = ServiceDocument.defaultLabName) -> ServiceDocument {
        var doc = ServiceDocument(header: .init(
            labName: labName, title: kind.title, reportNumber: reportNumber, issued: issued, status: isDraft ? .draft : .final,
            lines: [personLine] + lines))
        doc.blocks.append(.table(.init(
            caption: "Wear periods",
            columns: [.init("Customer\nenrolment"), .init("Dosimeter\ncard"), .init("Period\nfrom – to"),
                      .init("Hp(10)\nmSv", alignment: .right), .init("Hp(0.07)\nmSv", alignment: .right),
                      .init("Status", wraps: true), .init("Remarks", wraps: true)],
            rows: periods.map { p in
                [p.customer + "\n" + p.enrolment, (p.dosimeter.components(separatedBy: " (").first ?? p.dosimeter) + "\n" + p.card,
                 p.periodStart + "\n" + p.periodEnd, p.hp10, p.hp007, p.status, p.remarks]
            })))
        doc.blocks.append(.table(.init(
            caption: "Sums (mSv)",
            columns: [.init("Sum"), .init("Of"), .init("Hp(10)", alignment: .right), .init("Hp(0.07)", alignment: .right),
                      .init("Periods", alignment: .right), .init("<DL", alignment: .right), .init("Assigned", alignment: .right),
                      .init("Open", alignment: .right)],
            rows: sums.map(sumCells))))
        for line in notes { doc.blocks.append(.paragraph(line)) }
        doc.blocks.append(.heading("Conventions"))
        for line in Self.conventions { doc.blocks.append(.paragraph(line)) }
        return doc
    }
}
