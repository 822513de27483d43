import Foundation

/// The charges ledger as a statement (DOMAIN.md §3): every card sent, at the price in force on its
/// dispatch day, and every compensation due — a card not returned three months after its period, at
/// the amount in force on the last on-time return date, and a card damaged by the customer — with
/// totals per customer and month and a grand total, all excluding VAT.
public struct ChargeStatement: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var customer: String
        public var dueOn: String
        /// `card sent`, `compensation: not returned`, `compensation: damaged`.
        public var kind: String
        public var card: String
        public var enrolment: String
        public var wearer: String
        public var dosimeterType: String
        public var periodStart: String
        public var periodEnd: String
        /// The day whose price list applied.
        public var priceDay: String
        public var amountMinorUnits: Int
        public var currency: String
        public var free: Bool
        public var note: String

        public init(customer: String, dueOn: String, kind: String, card: String, enrolment: String, wearer: String,
                    dosimeterType: String, periodStart: String, periodEnd: String, priceDay: String, amountMinorUnits: Int,
                    currency: String, free: Bool, note: String) {
            self.customer = customer
            self.dueOn = dueOn
            self.kind = kind
            self.card = card
            self.enrolment = enrolment
            self.wearer = wearer
            self.dosimeterType = dosimeterType
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.priceDay = priceDay
            self.amountMinorUnits = amountMinorUnits
            self.currency = currency
            self.free = free
            self.note = note
        }

        /// `YYYY-MM` of the due day: the invoice month (the lab invoices monthly).
        public var month: String { String(dueOn.prefix(7)) }
    }

    /// The sum of a customer's charges due in one month.
    public struct Total: Sendable, Hashable, Codable {
        public var customer: String
        public var month: String
        public var count: Int
        public var amountMinorUnits: Int
    }

    public var asOf: String
    public var rows: [Row]
    public var totals: [Total]
    public var totalMinorUnits: Int
    public var currency: String

    public init(asOf: String, rows: [Row], currency: String = "DKK") {
        self.asOf = asOf
        self.rows = rows
        self.currency = currency
        var sums: [String: Total] = [:]
        for r in rows {
            let k = r.customer + "\u{0}" + r.month
            var t = sums[k] ?? Total(customer: r.customer, month: r.month, count: 0, amountMinorUnits: 0)
            t.count += 1
            t.amountMinorUnits += r.amountMinorUnits
            sums[k] = t
        }
        totals = sums.values.sorted { ($0.customer, $0.month) < ($1.customer, $1.month) }
        totalMinorUnits = rows.reduce(0) { $0 + $1.amountMinorUnits }
    }

    public static let csvHeader = "customer,due_on,kind,card,enrolment,wearer,type,period_start,period_end,price_day,amount,currency,free,note"

    public func csv() -> String {
        var lines = [Self.csvHeader]
        for r in rows {
            lines.append([r.customer, r.dueOn, r.kind, r.card, r.enrolment, r.wearer, r.dosimeterType, r.periodStart, r.periodEnd,
                          r.priceDay, ReportFormatting.money(minorUnits: r.amountMinorUnits), r.currency, r.free ? "yes" : "no", r.note]
                .map(ReportFormatting.csv).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public func text() -> String {
        var out = "CHARGES LEDGER as of \(asOf) (amounts \(currency) excl. VAT)\n\n"
        if rows.isEmpty { return out + "No charges.\n" }
        out += ReportFormatting.textTable(
            ["customer", "due", "kind", "card", "enrolment", "wearer", "period", "price day", "amount"],
            rows.map { [$0.customer, $0.dueOn, $0.kind, $0.card, $0.enrolment, $0.wearer, "\($0.periodStart)–\($0.periodEnd)", $0.priceDay,
                        $0.free ? "free" : ReportFormatting.money(minorUnits: $0.amountMinorUnits)] },
            rightAligned: [8])
        out += "\nTotals per customer and month\n"
        out += ReportFormatting.textTable(
            ["customer", "month", "rows", "amount"],
            totals.map { [$0.customer, $0.month, "\($0.count)", ReportFormatting.money(minorUnits: $0.amountMinorUnits)] },
            rightAligned: [2, 3])
        out += "\nTotal: \(rows.count) rows, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(currency) excl. VAT\n"
        return out
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
