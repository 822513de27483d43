/// The result list as the customer's A4 PDF (``ServiceDocument``): header with the report number,
/// the issue date and the status (DRAFT while a dose is pending release), one table of every line.
extension ResultList {
    public func pdf(issued: String, labName: String = ServiceDocument.defaultLabName) -> [UInt8] {
        document(issued: issued, labName: labName).pdf()
    }

    public func document(issued: String, labName: String = ServiceDocument.defaultLabName) -> ServiceDocument {
        let pending = rows.filter { $0.status == "pending" }.count
        var doc = ServiceDocument(header: .init(
            labName: labName, title: "RESULT LIST", reportNumber: reportNumber, issued: issued, status: isDraft ? .draft : .final,
            lines: ["Customer \(customerNumber)  \(customerName)", "Wear periods \(periodLabel)"]))
        if isDraft {
            doc.blocks.append(.paragraph("DRAFT: \(pending) dose\(pending == 1 ? " is" : "s are") not released yet (listed as pending). "
                + "This list is not final; the final list follows when every dose is released."))
        }
        doc.blocks.append(.paragraph("Personal dose equivalent Hp(10) and Hp(0.07) in mSv for each wear period. "
            + "\"<x\" means below the detection limit x; \"—\" means no result (see remarks)."))
        doc.blocks.append(.table(.init(
            columns: [.init("Wearer"), .init("ID"), .init("Enrolment"), .init("Type"), .init("Card"), .init("Period"),
                      .init("Hp(10) mSv", alignment: .right), .init("Hp(0.07) mSv", alignment: .right), .init("Status"),
                      .init("Remarks", wraps: true)],
            rows: rows.map { r in
                [r.wearerName, r.nationalIDFirst4, r.enrolmentNumber, r.dosimeterType, r.cardID, "\(r.periodStart) – \(r.periodEnd)",
                 Self.dose(r.hp10MilliSievert, limit: r.detectionLimitMilliSievert),
                 Self.dose(r.hp007MilliSievert, limit: r.detectionLimitMilliSievert), r.status, r.remarks.joined(separator: "; ")]
            })))
        doc.blocks.append(.paragraph("\(rows.count) line\(rows.count == 1 ? "" : "s"), \(pending) pending."))
        return doc
    }
}
