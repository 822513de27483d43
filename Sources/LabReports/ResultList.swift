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

        public init(
            wearerName: String, nationalIDFirst4: String, enrolmentNumber: String, dosimeterType: String, cardID: String,
            periodStart: String, periodEnd: String, hp10MilliSievert: Double?, hp007MilliSievert: Double?,
            detectionLimitMilliSievert: Double?, status: String, remarks: [String]
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
        if !reportNumber.isEmpty { out += "Report \(reportNumber)  status \(status)\n" }
        out += "Periods \(periodLabel)\n\n"
        out += ReportFormatting.textTable(
            ["wearer", "ID", "enrolment", "type", "card", "period", "Hp(10) mSv", "Hp(0.07) mSv", "status", "remarks"],
            rows.map { r in
                [r.wearerName, r.nationalIDFirst4, r.enrolmentNumber, r.dosimeterType, r.cardID, "\(r.periodStart)–\(r.periodEnd)",
                 Self.dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert),
                 Self.dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert), r.status, r.remarks.joined(separator: "; ")]
            }, rightAligned: [6, 7])
        return out
    }

    /// CSV, one row per result line, header
    /// `customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks`
    /// (RFC 4180: CRLF line ends, quoted where needed). A dose under the detection limit is given as
    /// `<limit`, as on the printed list.
    public func csv() -> String {
        var out = "customer,wearer,enrolment,card,period_start,period_end,hp10_msv,hp007_msv,status,remarks\r\n"
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
            ]
            out += cells.map(ReportFormatting.csv).joined(separator: ",") + "\r\n"
        }
        return out
    }

    public func html() -> String {
        let h = ReportFormatting.html
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Results \(h(customerNumber))</title>"
        out += ReportFormatting.htmlStyle + "</head><body>\n"
        out += "<h1>\(isDraft ? "DRAFT – " : "")Dose results</h1>\n<p>Customer <b>\(h(customerNumber))</b> \(h(customerName))<br>"
        if !reportNumber.isEmpty { out += "Report \(h(reportNumber)), status <b>\(h(status))</b><br>" }
        out += "Periods \(h(periodLabel))</p>\n"
        out += "<table>\n<tr><th>Wearer</th><th>ID</th><th>Enrolment</th><th>Type</th><th>Card</th><th>Period</th>"
        out += "<th>Hp(10) mSv</th><th>Hp(0.07) mSv</th><th>Status</th><th>Remarks</th></tr>\n"
        for r in rows {
            out += "<tr><td>\(h(r.wearerName))</td><td>\(h(r.nationalIDFirst4))</td><td>\(h(r.enrolmentNumber))</td>"
            out += "<td>\(h(r.dosimeterType))</td><td>\(h(r.cardID))</td><td>\(h(r.periodStart))–\(h(r.periodEnd))</td>"
            out += "<td class=\"n\">\(h(Self.dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert)))</td>"
            out += "<td class=\"n\">\(h(Self.dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert)))</td>"
            out += "<td>\(h(r.status))</td><td class=\"remark\">\(h(r.remarks.joined(separator: "; ")))</td></tr>\n"
        }
        return out + "</table>\n</body></html>\n"
    }
}
