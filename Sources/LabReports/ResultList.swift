import Foundation

/// The result list of a customer for a period (DOMAIN.md §3): the dose of each wearer, with remarks
/// for damaged or late cards, as text, HTML and CSV.
public struct ResultList: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var wearerName: String
        /// At most the first 4 digits of the national ID.
        public var nationalIDFirst4: String
        public var enrolmentNumber: String
        public var dosimeterType: String
        public var cardID: String
        public var periodStart: String
        public var periodEnd: String
        /// nil when there is no valid result (card missing, lost, rejected).
        public var hp10MilliSievert: Double?
        public var hp007MilliSievert: Double?
        public var detectionLimitMilliSievert: Double?
        /// `released`, `needsReview`, `evaluated`, or `missing` / `retired` when there is no dose.
        public var status: String
        public var remarks: [String]
        /// The person's year-to-date and lifetime sums up to and including this period (result list v2).
        public var sums: PersonDoseSums?

        public init(
            wearerName: String, nationalIDFirst4: String, enrolmentNumber: String, dosimeterType: String, cardID: String,
            periodStart: String, periodEnd: String, hp10MilliSievert: Double?, hp007MilliSievert: Double?,
            detectionLimitMilliSievert: Double?, status: String, remarks: [String], sums: PersonDoseSums? = nil
        ) {
            self.wearerName = wearerName
            self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
            self.enrolmentNumber = enrolmentNumber
            self.dosimeterType = dosimeterType
            self.cardID = cardID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.hp10MilliSievert = hp10MilliSievert
            self.hp007MilliSievert = hp007MilliSievert
            self.detectionLimitMilliSievert = detectionLimitMilliSievert
            self.status = status
            self.remarks = remarks
            self.sums = sums
        }
    }

    public var customerNumber: String
    public var customerName: String
    /// The periods covered, e.g. "2026-07-15 – 2026-10-14".
    public var periodLabel: String
    public var rows: [Row]
    /// The document's number, printed in its header (e.g. "RL-K-1001-20261031").
    public var reportNumber: String
    /// Marked DRAFT while a dose on it is not released yet (listed as pending).
    public var isDraft: Bool
    /// The day the document is issued, printed in its header ("" when not set).
    public var issued: String = ""
    /// Remarks on the whole list (the lab's, given when it is written), printed above the signature.
    public var notes: [String] = []
    /// The responsible physicist who signs the list (docs/dose-records.md "Result list v2"); nil
    /// leaves the signature line blank for a hand signature.
    public var physicist: String?
    /// Who released the doses on the list, most doses first.
    public var releasedBy: [String] = []

    /// The document's status as printed in its header.
    public var status: String { isDraft ? "DRAFT - doses pending release" : "FINAL" }

    public init(customerNumber: String, customerName: String, periodLabel: String, rows: [Row], reportNumber: String = "", isDraft: Bool = false) {
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.periodLabel = periodLabel
        self.reportNumber = reportNumber
        self.isDraft = isDraft
        // Danish alphabetical order of the wearers' names (Æ, Ø, Å after Z; "Aa" as Å), then period and card.
        self.rows = rows.map { (DanishCollation.key($0.wearerName), $0) }.sorted { x, y in
            if x.0 != y.0 { return x.0 < y.0 }
            return (x.1.periodStart, x.1.cardID) < (y.1.periodStart, y.1.cardID)
        }.map(\.1)
    }

    /// A dose as printed: "<0.05" under the detection limit, "—" without a result.
    public static func dose(_ value: Double?, limit: Double?) -> String {
        guard let value else { return "—" }
        if let limit, value < limit { return "<" + String(format: "%.2f", limit) }
        return String(format: "%.2f", value)
    }

    public func text() -> String {
        var out = (isDraft ? "DRAFT  " : "") + "RESULT LIST  customer \(customerNumber)  \(customerName)\n"
        if !reportNumber.isEmpty { out += "Report \(reportNumber)  status \(status)" + (issued.isEmpty ? "" : "  issued \(issued)") + "\n" }
        out += "Periods \(periodLabel)\n\n"
        out += ReportFormatting.textTable(
            ["wearer", "ID", "enrolment", "type", "card", "period", "Hp(10) mSv", "Hp(0.07) mSv",
             "year Hp(10)", "year Hp(0.07)", "lifetime Hp(10)", "lifetime Hp(0.07)", "status", "remarks"],
            rows.map { r in
                [r.wearerName, r.nationalIDFirst4, r.enrolmentNumber, r.dosimeterType, r.cardID, "\(r.periodStart)–\(r.periodEnd)",
                 Self.dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert, row: r),
                 Self.dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert, row: r)]
                    + Self.sumCells(r) + [r.status, r.remarks.joined(separator: "; ")]
            }, rightAligned: [6, 7, 8, 9, 10, 11])
        out += "\n" + closing().joined(separator: "\n") + "\n"
        return out
    }

    /// A period's dose as printed, "A" after an assigned one.
    static func dose(_ value: Double?, limit: Double?, row: Row) -> String {
        dose(value, limit: limit) + (row.status == "assigned" && value != nil ? " A" : "")
    }

    /// The year-to-date and lifetime Hp(10) and Hp(0.07) of a line, as printed ("" without sums).
    static func sumCells(_ r: Row) -> [String] {
        guard let s = r.sums else { return ["", "", "", ""] }
        return [s.yearToDate.printed(s.yearToDate.hp10MilliSievert), s.yearToDate.printed(s.yearToDate.hp007MilliSievert),
                s.lifetime.printed(s.lifetime.hp10MilliSievert), s.lifetime.printed(s.lifetime.hp007MilliSievert)]
    }

    /// The lines after the table: the conventions footnote, the remarks, the signature line.
    public func closing() -> [String] {
        var out = ["Conventions: " + (DoseConventions.doses + DoseConventions.sums).joined(separator: " ")]
        if !notes.isEmpty { out.append("Remarks: " + notes.joined(separator: " ")) }
        out.append(signatureLine)
        if !releasedBy.isEmpty { out.append("Doses released by: " + releasedBy.joined(separator: ", ")) }
        return out
    }

    /// "Responsible physicist: NAME   Signature: ____" (a blank name line when none is named).
    public var signatureLine: String {
        "Responsible physicist: " + (physicist ?? "______________________") + "    Date: " + (issued.isEmpty ? "__________" : issued)
            + "    Signature: ______________________"
    }

    /// CSV, one row per result line, header
    /// `customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks`, then
    /// (result list v2, added at the end so the first ten columns stay where they were)
    /// `sums_year,ytd_hp10_msv,ytd_hp007_msv,lifetime_hp10_msv,lifetime_hp007_msv,sums_remarks`
    /// (RFC 4180: CRLF line ends, quoted where needed). A dose under the detection limit is given as
    /// `<limit`, as on the printed list.
    public func csv() -> String {
        var out = "customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks,"
            + "sums_year,ytd_hp10_msv,ytd_hp007_msv,lifetime_hp10_msv,lifetime_hp007_msv,sums_remarks\r\n"
        func value(_ v: Double?, _ limit: Double?) -> String {
            guard let v else { return "" }
            if let limit, v < limit { return "<" + String(format: "%.4f", limit) }
            return String(format: "%.4f", v)
        }
        for r in rows {
            let cells = [
                customerNumber, r.wearerName, r.enrolmentNumber, r.cardID, r.periodStart, r.periodEnd,
                value(r.hp10MilliSievert, r.detectionLimitMilliSievert), value(r.hp007MilliSievert, r.detectionLimitMilliSievert),
                r.status, r.remarks.joined(separator: "; "),
            ] + Self.sumColumns(r)
            out += cells.map(ReportFormatting.csv).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// The CSV columns after `remarks`: the year summed, its Hp(10) and Hp(0.07) to date, the
    /// lifetime Hp(10) and Hp(0.07) (4 decimals; empty without sums or for a finger card's Hp(10)), and
    /// what the reader must know about the sums.
    static func sumColumns(_ r: Row) -> [String] {
        guard let s = r.sums else { return ["", "", "", "", "", ""] }
        func v(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "" }
        let notes = [("year to date", s.yearToDate.note), ("lifetime", s.lifetime.note)].filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1)" }
        return ["\(s.year)", v(s.yearToDate.hp10MilliSievert), v(s.yearToDate.hp007MilliSievert),
                v(s.lifetime.hp10MilliSievert), v(s.lifetime.hp007MilliSievert), notes.joined(separator: "; ")]
    }

    public func html() -> String {
        let h = ReportFormatting.html
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Results \(h(customerNumber))</title>"
        out += ReportFormatting.htmlStyle + "</head><body>\n"
        out += "<h1>\(isDraft ? "DRAFT – " : "")Dose results</h1>\n<p>Customer <b>\(h(customerNumber))</b> \(h(customerName))<br>"
        if !reportNumber.isEmpty { out += "Report \(h(reportNumber)), status <b>\(h(status))</b>" + (issued.isEmpty ? "" : ", issued \(h(issued))") + "<br>" }
        out += "Periods \(h(periodLabel))</p>\n"
        out += "<table>\n<tr><th>Wearer</th><th>ID</th><th>Enrolment</th><th>Type</th><th>Card</th><th>Period</th>"
        out += "<th>Hp(10) mSv</th><th>Hp(0.07) mSv</th><th>Year Hp(10)</th><th>Year Hp(0.07)</th>"
        out += "<th>Lifetime Hp(10)</th><th>Lifetime Hp(0.07)</th><th>Status</th><th>Remarks</th></tr>\n"
        for r in rows {
            out += "<tr><td>\(h(r.wearerName))</td><td>\(h(r.nationalIDFirst4))</td><td>\(h(r.enrolmentNumber))</td>"
            out += "<td>\(h(r.dosimeterType))</td><td>\(h(r.cardID))</td><td>\(h(r.periodStart))–\(h(r.periodEnd))</td>"
            out += "<td class=\"n\">\(h(Self.dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert, row: r)))</td>"
            out += "<td class=\"n\">\(h(Self.dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert, row: r)))</td>"
            out += Self.sumCells(r).map { "<td class=\"n\">\(h($0))</td>" }.joined()
            out += "<td>\(h(r.status))</td><td class=\"remark\">\(h(r.remarks.joined(separator: "; ")))</td></tr>\n"
        }
        out += "</table>\n"
        for line in closing() { out += "<p class=\"remark\">\(h(line))</p>\n" }
        return out + "</body></html>\n"
    }
}
