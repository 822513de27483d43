import Foundation

/// The cards a lab chases (DOMAIN.md §3): cards not returned one month after their period (a reminder
/// to the customer), cards not returned three months after it, and cards damaged by the customer
/// (compensation is charged), as text and CSV. Names and enrolment numbers only: no national ID.
public struct OverdueList: Sendable, Hashable, Codable {
    public enum Stage: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not returned one month after the period's end: on the customer's reminder.
        case reminderDue = "reminder due"
        /// Not returned three months after the period's end: compensation is charged.
        case compensationNotReturned = "compensation: not returned"
        /// Retired on arrival as damaged: compensation is charged.
        case compensationDamaged = "compensation: damaged"
    }

    public struct Row: Sendable, Hashable, Codable {
        public var customerNumber: String
        public var customerName: String
        public var wearerName: String
        public var enrolmentNumber: String
        public var dosimeterType: String
        public var cardID: String
        public var periodStart: String
        public var periodEnd: String
        /// Days from the period's end to the list's date.
        public var daysSincePeriodEnd: Int
        public var stage: Stage
        /// The damage found on arrival, or when the reminder/compensation became due.
        public var detail: String

        public init(
            customerNumber: String, customerName: String, wearerName: String, enrolmentNumber: String, dosimeterType: String,
            cardID: String, periodStart: String, periodEnd: String, daysSincePeriodEnd: Int, stage: Stage, detail: String
        ) {
            self.customerNumber = customerNumber
            self.customerName = customerName
            self.wearerName = wearerName
            self.enrolmentNumber = enrolmentNumber
            self.dosimeterType = dosimeterType
            self.cardID = cardID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.daysSincePeriodEnd = daysSincePeriodEnd
            self.stage = stage
            self.detail = detail
        }
    }

    /// The day the list was made for.
    public var date: String
    /// Sorted by customer, stage, wearer, period.
    public var rows: [Row]

    public init(date: String, rows: [Row]) {
        self.date = date
        let order = Dictionary(uniqueKeysWithValues: Stage.allCases.enumerated().map { ($1, $0) })
        self.rows = rows.sorted {
            ($0.customerNumber, order[$0.stage] ?? 0, $0.wearerName.lowercased(), $0.periodStart, $0.cardID)
                < ($1.customerNumber, order[$1.stage] ?? 0, $1.wearerName.lowercased(), $1.periodStart, $1.cardID)
        }
    }

    public func count(_ stage: Stage) -> Int { rows.filter { $0.stage == stage }.count }

    public func text() -> String {
        var out = "OVERDUE AND COMPENSATION LIST  \(date)\n"
        out += "\(count(.reminderDue)) reminder(s), \(count(.compensationNotReturned)) not returned for compensation, "
        out += "\(count(.compensationDamaged)) damaged\n\n"
        guard !rows.isEmpty else { return out + "Nothing overdue.\n" }
        out += ReportFormatting.textTable(
            ["customer", "wearer", "enrolment", "type", "card", "period", "days", "stage", "detail"],
            rows.map { r in
                ["\(r.customerNumber) \(r.customerName)", r.wearerName, r.enrolmentNumber, r.dosimeterType, r.cardID,
                 "\(r.periodStart)–\(r.periodEnd)", "\(r.daysSincePeriodEnd)", r.stage.rawValue, r.detail]
            }, rightAligned: [6])
        return out
    }

    public func csv() -> String {
        var out = "customer,customer_name,wearer,enrolment,dosimeter_type,card_id,period_start,period_end,days_since_period_end,stage,detail\r\n"
        for r in rows {
            let cells = [r.customerNumber, r.customerName, r.wearerName, r.enrolmentNumber, r.dosimeterType, r.cardID,
                         r.periodStart, r.periodEnd, "\(r.daysSincePeriodEnd)", r.stage.rawValue, r.detail]
            out += cells.map(ReportFormatting.csv).joined(separator: ",") + "\r\n"
        }
        return out
    }
}
