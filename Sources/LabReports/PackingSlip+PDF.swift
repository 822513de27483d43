/// The packing slip as an A4 PDF (``ServiceDocument``): header with the shipment number and the
/// dispatch day, one table per dosimeter type with its count, price and subtotal, the total and
/// the return deadlines.
extension PackingSlip {
    public func pdf(labName: String = ServiceDocument.defaultLabName) -> [UInt8] { document(labName: labName).pdf() }

    public func document(labName: String = ServiceDocument.defaultLabName) -> ServiceDocument {
        var doc = ServiceDocument(header: .init(
            labName: labName, title: "Packing slip", reportNumber: shipmentNumber, issued: dispatchedOn, status: .final,
            lines: ["Customer \(customerNumber)  \(customerName)", "Shipment \(shipmentNumber), dispatched \(dispatchedOn)"]))
        for s in sections {
            doc.blocks.append(.table(.init(
                caption: s.dosimeterType,
                columns: [.init("Wearer"), .init("ID"), .init("Enrolment"), .init("Card"), .init("Period start"), .init("Period end"),
                          .init("Price \(currency)", alignment: .right)],
                rows: s.rows.map { [$0.wearerName, $0.nationalIDFirst4, $0.enrolmentNumber, $0.cardID, $0.periodStart, $0.periodEnd, priceText($0, s)] },
                footer: ["\(s.count) card\(s.count == 1 ? "" : "s")", "", "", "", "", "", ReportFormatting.money(minorUnits: s.subtotalMinorUnits)])))
            doc.blocks.append(.paragraph("\(s.dosimeterType): \(sectionSummary(s)) = \(ReportFormatting.money(minorUnits: s.subtotalMinorUnits)) \(currency) excl. VAT"))
        }
        doc.blocks.append(.heading("Total: \(totalCount) cards, \(ReportFormatting.money(minorUnits: totalMinorUnits)) \(currency) excl. VAT"))
        if !returnDeadlines.isEmpty {
            doc.blocks.append(.heading("Return deadlines"))
            doc.blocks.append(.paragraph("Return every card, used or not, straight after its period ends."))
            for line in returnDeadlines { doc.blocks.append(.paragraph(line)) }
        }
        return doc
    }
}
