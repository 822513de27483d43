/// The result list as the customer's A4 portrait PDF (``ServiceDocument``): header with the report
/// number, the issue date and the status (DRAFT while a dose is pending release); one table line per
/// wearer and period with the period's dose and the person's year-to-date and lifetime sums (cells of
/// two lines, so the table fits a portrait page at 8 pt); the remarks numbered under the table; the
/// conventions footnote; the list's remarks and the responsible physicist's signature line.
extension ResultList {
    public func pdf(issued: String, labName: String = ServiceDocument.defaultLabName) -> [UInt8] {
        document(issued: issued, labName: labName).pdf()
    }

    /// A dose cell of the table: the value, or for a line without one a short word for why.
    static func pdfDose(_ value: Double?, row: Row, first: Bool) -> String {
        if value != nil { return dose(value, limit: row.detectionLimitMilliSievert, row: row) }
        if row.hp10MilliSievert != nil || row.hp007MilliSievert != nil || !first { return "—" }
        switch row.status {
        case "released": return "—"
        case "handed over": return "handed\nover"
        case "no valid result": return "no\nresult"
        default: return row.status
        }
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
        doc.blocks.append(.paragraph("Personal dose equivalent in mSv for each wear period, and the person's sums for the calendar year "
            + "to date and lifetime, up to and including the period. Conventions and remarks below the table."))
        // Remarks numbered in the order of the lines; the same text gets the same number.
        var remarkNumbers: [String: Int] = [:]
        var remarkList: [String] = []
        var tableRows: [[String]] = []
        for r in rows {
            var refs: [Int] = []
            // The status is in the dose cells; "assigned" and "no valid result" are said again in the note.
            let text = ((r.status == "assigned" || r.status == "no valid result" ? [r.status] : []) + r.remarks).joined(separator: "; ")
            if !text.isEmpty {
                if remarkNumbers[text] == nil {
                    remarkList.append(text)
                    remarkNumbers[text] = remarkList.count
                }
                refs.append(remarkNumbers[text] ?? 0)
            }
            let sums = Self.sumCells(r)
            tableRows.append([
                r.wearerName + "\nID " + r.nationalIDFirst4 + (r.enrolmentNumber.isEmpty ? "" : "  " + r.enrolmentNumber),
                (r.dosimeterType.components(separatedBy: " (").first ?? r.dosimeterType) + "\n" + r.cardID,
                r.periodStart + "\n" + r.periodEnd,
                Self.pdfDose(r.hp10MilliSievert, row: r, first: true), Self.pdfDose(r.hp007MilliSievert, row: r, first: false),
                sums[0], sums[1], sums[2], sums[3],
                refs.map(String.init).joined(separator: ","),
            ])
        }
        doc.blocks.append(.table(.init(
            columns: [.init("Wearer\nID, enrolment", wraps: true), .init("Dosimeter\ncard"), .init("Period\nfrom – to"),
                      .init("Period\nHp(10)", alignment: .right), .init("Period\nHp(0.07)", alignment: .right),
                      .init("Year\nHp(10)", alignment: .right), .init("Year\nHp(0.07)", alignment: .right),
                      .init("Lifetime\nHp(10)", alignment: .right), .init("Lifetime\nHp(0.07)", alignment: .right),
                      .init("Note", alignment: .right)],
            rows: tableRows)))
        doc.blocks.append(.paragraph("\(rows.count) line\(rows.count == 1 ? "" : "s"), \(pending) pending."))
        if !remarkList.isEmpty {
            doc.blocks.append(.heading("Notes"))
            for (i, text) in remarkList.enumerated() { doc.blocks.append(.paragraph("\(i + 1)  \(text)")) }
        }
        doc.blocks.append(.heading("Conventions"))
        for line in DoseConventions.doses + DoseConventions.sums { doc.blocks.append(.paragraph(line)) }
        if !notes.isEmpty {
            doc.blocks.append(.heading("Remarks"))
            for line in notes { doc.blocks.append(.paragraph(line)) }
        }
        doc.blocks.append(.heading("Responsible physicist"))
        doc.blocks.append(.paragraph("Name: " + (physicist ?? "______________________")))
        doc.blocks.append(.paragraph("Date: " + (issued.isEmpty ? "__________" : issued)))
        doc.blocks.append(.paragraph("Signature: ______________________"))
        if !releasedBy.isEmpty { doc.blocks.append(.paragraph("Doses released by: " + releasedBy.joined(separator: ", "))) }
        return doc
    }
}
