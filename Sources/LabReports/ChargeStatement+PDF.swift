/// The charges statement as an A4 PDF (``ServiceDocument``), for a customer's download: header with
/// the statement number and the day it is valid on, one table of every charge, the totals per month
/// and the grand total, excluding VAT.
extension ChargeStatement {
    public func pdf(reportNumber: String, title: String = "Charges", labName: String = ServiceDocument.defaultLabName) -> [UInt8] {
        document(reportNumber: reportNumber, title: title, labName: labName).pdf()
    }

    public func document(reportNumber: String, title: String = "Charges", labName: String = ServiceDocument.defaultLabName) -> ServiceDocument {
        let customers = Set(rows.map(\.customer)).sorted().joined(separator: ", ")
        var doc = ServiceDocument(header: .init(
            labName: labName, title: title, reportNumber: reportNumber, issued: asOf, status: .final,
            lines: [customers.isEmpty ? "No charges" : "Customer \(customers)", "Amounts in \(currency), excluding VAT, as of \(asOf)"]))
        if rows.isEmpty {
            doc.blocks.append(.paragraph("No charges."))
            return doc
        }
        doc.blocks.append(.table(.init(
            columns: [.init("Due"), .init("Kind"), .init("Card"), .init("Enrolment"), .init("Wearer", wraps: true), .init("Period"),
                      .init("Price day"), .init("Amount \(currency)", alignment: .right)],
            rows: rows.map { r in
                [r.dueOn, r.kind, r.card, r.enrolment, r.wearer, "\(r.periodStart) – \(r.periodEnd)", r.priceDay,
                 r.free ? "free" : ReportFormatting.money(minorUnits: r.amountMinorUnits)]
            })))
        doc.blocks.append(.table(.init(
            caption: "Totals per month",
            columns: [.init("Customer"), .init("Month"), .init("Rows", alignment: .right), .init("Amount \(currency)", alignment: .right)],
            rows: totals.map { [$0.customer, $0.month, "\($0.count)", ReportFormatting.money(minorUnits: $0.amountMinorUnits)] })))
        doc.blocks.append(.heading("Total: \(rows.count) rows, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(currency) excl. VAT"))
        return doc
    }
}
