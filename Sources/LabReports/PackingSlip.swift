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

        public init(wearerName: String, nationalIDFirst4: String, enrolmentNumber: String, cardID: String,
                    periodStart: String, periodEnd: String) {
            self.wearerName = wearerName
            self.nationalIDFirst4 = String(nationalIDFirst4.prefix(4))
            self.enrolmentNumber = enrolmentNumber
            self.cardID = cardID
            self.periodStart = periodStart
            self.periodEnd = periodEnd
        }
    }

    public struct Section: Sendable, Hashable, Codable {
        public var dosimeterType: String
        public var rows: [Row]
        /// Price per card excluding VAT, minor units.
        public var unitPriceMinorUnits: Int
        public var count: Int { rows.count }
        public var subtotalMinorUnits: Int { unitPriceMinorUnits * rows.count }
    }

    public var customerNumber: String
    public var customerName: String
    public var shipmentNumber: String
    public var dispatchedOn: String
    public var currency: String
    public private(set) var sections: [Section]

    /// Groups rows by type (in the order of `typeOrder`), sorting each table by wearer name, then
    /// enrolment number and period start.
    public init(
        customerNumber: String, customerName: String, shipmentNumber: String, dispatchedOn: String, currency: String,
        rows: [(type: String, unitPriceMinorUnits: Int, row: Row)], typeOrder: [String]
    ) {
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.shipmentNumber = shipmentNumber
        self.dispatchedOn = dispatchedOn
        self.currency = currency
        let grouped = Dictionary(grouping: rows, by: \.type)
        let order = typeOrder + grouped.keys.filter { !typeOrder.contains($0) }.sorted()
        sections = order.compactMap { type in
            guard let entries = grouped[type], let first = entries.first else { return nil }
            let sorted = entries.map(\.row).sorted { a, b in
                let (na, nb) = (a.wearerName.lowercased(), b.wearerName.lowercased())
                if na != nb { return na < nb }
                if a.enrolmentNumber != b.enrolmentNumber { return a.enrolmentNumber < b.enrolmentNumber }
                return a.periodStart < b.periodStart
            }
            return Section(dosimeterType: type, rows: sorted, unitPriceMinorUnits: first.unitPriceMinorUnits)
        }
    }

    public var totalCount: Int { sections.reduce(0) { $0 + $1.count } }
    public var totalMinorUnits: Int { sections.reduce(0) { $0 + $1.subtotalMinorUnits } }

    // MARK: Rendering

    public func text() -> String {
        var out = "PACKING SLIP  shipment \(shipmentNumber)\n"
        out += "Customer \(customerNumber)  \(customerName)\nDispatched \(dispatchedOn)\n\n"
        for s in sections {
            out += "\(s.dosimeterType)\n"
            out += ReportFormatting.textTable(
                ["wearer", "ID", "enrolment", "card", "period start", "period end"],
                s.rows.map { [$0.wearerName, $0.nationalIDFirst4, $0.enrolmentNumber, $0.cardID, $0.periodStart, $0.periodEnd] })
            out += "\(s.count) × \(ReportFormatting.money(minorUnits: s.unitPriceMinorUnits)) \(currency) = "
                + "\(ReportFormatting.money(minorUnits: s.subtotalMinorUnits)) \(currency) excl. VAT\n\n"
        }
        out += "Total: \(totalCount) cards, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(currency) excl. VAT\n"
        return out
    }

    public func html() -> String {
        let h = ReportFormatting.html
        var out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Packing slip \(h(shipmentNumber))</title>"
        out += ReportFormatting.htmlStyle + "</head><body>\n"
        out += "<h1>Packing slip</h1>\n<p>Customer <b>\(h(customerNumber))</b> \(h(customerName))<br>"
        out += "Shipment \(h(shipmentNumber)), dispatched \(h(dispatchedOn))</p>\n"
        for s in sections {
            out += "<table><caption>\(h(s.dosimeterType))</caption>\n"
            out += "<tr><th>Wearer</th><th>ID</th><th>Enrolment</th><th>Card</th><th>Period start</th><th>Period end</th></tr>\n"
            for r in s.rows {
                out += "<tr><td>\(h(r.wearerName))</td><td>\(h(r.nationalIDFirst4))</td><td>\(h(r.enrolmentNumber))</td>"
                out += "<td>\(h(r.cardID))</td><td>\(h(r.periodStart))</td><td>\(h(r.periodEnd))</td></tr>\n"
            }
            out += "<tr><td colspan=\"5\">\(s.count) × \(ReportFormatting.money(minorUnits: s.unitPriceMinorUnits)) \(h(currency))</td>"
            out += "<td class=\"n\">\(ReportFormatting.money(minorUnits: s.subtotalMinorUnits)) \(h(currency))</td></tr>\n</table>\n"
        }
        out += "<p><b>Total: \(totalCount) cards, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(h(currency)) excluding VAT</b></p>\n"
        return out + "</body></html>\n"
    }
}
