import Foundation

/// The packing slip that goes in a customer's envelope (DOMAIN.md §3): the customer number; one
/// table per dosimeter type with rows sorted alphabetically by wearer name, each with the enrolment
/// number and the period's start and end; count and price per type; the total, all excluding VAT.
public struct PackingSlip: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public var wearerName: String
        /// At most the first 4 digits of the national ID (DOMAIN.md §2).
        public var nationalIDFirst4: String
        public var enrolmentNumber: String
        public var cardID: String
        public var periodStart: String
        public var periodEnd: String

        /// This card's price excluding VAT (nil: the table's unit price).
        public var priceMinorUnits: Int?
        /// Sent free of charge: marked "free" on the slip (DOMAIN.md §3: every card sent is paid for
        /// "unless the packing slip says otherwise").
        public var free: Bool
        /// The type's short code for the CSV (`whole-body`, `finger`, …); empty: the table's name.
        public var dosimeterTypeCode: String

        public init(wearerName: String, nationalIDFirst4: String, enrolmentNumber: String, cardID: String,
                    periodStart: String, periodEnd: String, priceMinorUnits: Int? = nil, free: Bool = false,
                    dosimeterTypeCode: String = "") {
            self.wearerName = wearerName
            self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
            self.enrolmentNumber = enrolmentNumber
            self.cardID = cardID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.priceMinorUnits = free ? 0 : priceMinorUnits
            self.free = free
            self.dosimeterTypeCode = dosimeterTypeCode
        }
    }

    public struct Section: Sendable, Hashable, Codable {
        public var dosimeterType: String
        public var rows: [Row]
        /// Price per card excluding VAT, minor units.
        public var unitPriceMinorUnits: Int
        public var count: Int { rows.count }
        public var freeCount: Int { rows.filter(\.free).count }
        public var subtotalMinorUnits: Int { rows.reduce(0) { $0 + $1.price(unit: unitPriceMinorUnits) } }
    }

    public var customerNumber: String
    public var customerName: String
    public var shipmentNumber: String
    public var dispatchedOn: String
    public var currency: String
    public private(set) var sections: [Section]
    /// The return deadlines printed on the slip (the seed: "Tidsfrister for returnering fremgår af
    /// medsendte følgeseddel"), one line per period end.
    public var returnDeadlines: [String]

    /// Groups rows by type (in the order of `typeOrder`), sorting each table by wearer name, then
    /// enrolment number and period start.
    public init(
        customerNumber: String, customerName: String, shipmentNumber: String, dispatchedOn: String, currency: String,
        rows: [(type: String, unitPriceMinorUnits: Int, row: Row)], typeOrder: [String], returnDeadlines: [String] = []
    ) {
        self.returnDeadlines = returnDeadlines
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.shipmentNumber = shipmentNumber
        self.dispatchedOn = dispatchedOn
        self.currency = currency
        let grouped = Dictionary(grouping: rows, by: \.type)
        let order = typeOrder + grouped.keys.filter { !typeOrder.contains($0) }.sorted()
        sections = order.compactMap { type in
            guard let entries = grouped[type], let first = entries.first else { return nil }
            // Danish alphabetical order of the wearers' names (Æ, Ø, Å after Z; "Aa" as Å).
            let sorted = entries.map(\.row).map { (DanishCollation.key($0.wearerName), $0) }.sorted { x, y in
                let (a, b) = (x.1, y.1)
                if x.0 != y.0 { return x.0 < y.0 }
                if a.enrolmentNumber != b.enrolmentNumber { return a.enrolmentNumber < b.enrolmentNumber }
                return a.periodStart < b.periodStart
            }.map(\.1)
            return Section(dosimeterType: type, rows: sorted, unitPriceMinorUnits: first.unitPriceMinorUnits)
        }
    }

    public var totalCount: Int { sections.reduce(0) { $0 + $1.count } }
    public var totalMinorUnits: Int { sections.reduce(0) { $0 + $1.subtotalMinorUnits } }

    // MARK: Rendering

    public func text() -> String {
        var out = "PACKING SLIP  shipment \(shipmentNumber)  status: dispatched\n"
        out += "Customer \(customerNumber)  \(customerName)\nDispatched \(dispatchedOn)\n\n"
        for s in sections {
            out += "\(s.dosimeterType)\n"
            out += ReportFormatting.textTable(
                ["wearer", "ID", "enrolment", "card", "period start", "period end", "price"],
                s.rows.map { [$0.wearerName, $0.nationalIDFirst4, $0.enrolmentNumber, $0.cardID, $0.periodStart, $0.periodEnd,
                              priceText($0, s)] },
                rightAligned: [6])
            out += "\(sectionSummary(s)) = \(ReportFormatting.money(minorUnits: s.subtotalMinorUnits)) \(currency) excl. VAT\n\n"
        }
        out += "Total: \(totalCount) cards, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(currency) excl. VAT\n"
        if !returnDeadlines.isEmpty {
            out += "\nReturn every card, used or not, straight after its period ends.\n"
            out += returnDeadlines.map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    /// "3 × 125.00 DKK" or "3 cards (1 free), 2 × 125.00 DKK".
    func sectionSummary(_ s: Section) -> String {
        let unit = ReportFormatting.money(minorUnits: s.unitPriceMinorUnits)
        if s.freeCount == 0 { return "\(s.count) × \(unit) \(currency)" }
        return "\(s.count) cards (\(s.freeCount) free), \(s.count - s.freeCount) × \(unit) \(currency)"
    }

    func priceText(_ r: Row, _ s: Section) -> String {
        r.free ? "free" : ReportFormatting.money(minorUnits: r.price(unit: s.unitPriceMinorUnits))
    }

    /// `customer,type,wearer,enrolment,card,period_start,period_end,price`, one line per card in the
    /// slip's order, CRLF line ends (RFC 4180); prices excluding VAT with two decimals (a free card: 0.00).
    public func csv() -> String {
        var lines = ["customer,type,wearer,enrolment,card,period_start,period_end,price"]
        for s in sections {
            for r in s.rows {
                lines.append([customerNumber, r.dosimeterTypeCode.isEmpty ? s.dosimeterType : r.dosimeterTypeCode, r.wearerName,
                              r.enrolmentNumber, r.cardID, r.periodStart, r.periodEnd,
                              ReportFormatting.money(minorUnits: r.price(unit: s.unitPriceMinorUnits))]
                    .map(ReportFormatting.csv).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public func html() -> String {
        let h = ReportFormatting.html
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Packing slip \(h(shipmentNumber))</title>"
        out += ReportFormatting.htmlStyle + "</head><body>\n"
        out += "<h1>Packing slip</h1>\n<p>Customer <b>\(h(customerNumber))</b> \(h(customerName))<br>"
        out += "Shipment \(h(shipmentNumber)), dispatched \(h(dispatchedOn)), status: dispatched</p>\n"
        for s in sections {
            out += "<table><caption>\(h(s.dosimeterType))</caption>\n"
            out += "<tr><th>Wearer</th><th>ID</th><th>Enrolment</th><th>Card</th><th>Period start</th><th>Period end</th><th>Price</th></tr>\n"
            for r in s.rows {
                out += "<tr><td>\(h(r.wearerName))</td><td>\(h(r.nationalIDFirst4))</td><td>\(h(r.enrolmentNumber))</td>"
                out += "<td>\(h(r.cardID))</td><td>\(h(r.periodStart))</td><td>\(h(r.periodEnd))</td><td class=\"n\">\(h(priceText(r, s)))</td></tr>\n"
            }
            out += "<tr><td colspan=\"6\">\(h(sectionSummary(s)))</td>"
            out += "<td class=\"n\">\(ReportFormatting.money(minorUnits: s.subtotalMinorUnits)) \(h(currency))</td></tr>\n</table>\n"
        }
        out += "<p><b>Total: \(totalCount) cards, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(h(currency)) excluding VAT</b></p>\n"
        if !returnDeadlines.isEmpty {
            out += "<p>Return every card, used or not, straight after its period ends.</p>\n<ul>\n"
            out += returnDeadlines.map { "<li>\(h($0))</li>\n" }.joined() + "</ul>\n"
        }
        return out + "</body></html>\n"
    }
}

extension PackingSlip.Row {
    /// The row's price: its own, else the table's unit price; 0 when free.
    public func price(unit: Int) -> Int { free ? 0 : priceMinorUnits ?? unit }
}
