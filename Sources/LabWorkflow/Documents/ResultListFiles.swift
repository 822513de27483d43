import LabReports
import LabStore

/// The files of a result list in a ``DocumentFolder``: `results-CUSTOMER-PERIODEND.txt|html|csv|pdf`,
/// each written whole or not at all, the folder made durable once at the end.
public struct ResultListFiles: Sendable {
    let folder: DocumentFolder

    public init(folder: DocumentFolder) { self.folder = folder }

    /// Writes the four files; returns their names.
    public func write(_ list: ResultList, periodEnd: CalendarDay, issued: CalendarDay) throws -> [String] {
        var list = list
        if list.issued.isEmpty { list.issued = issued.description }
        folder.removePartials()
        let base = "results-\(list.customerNumber)-\(periodEnd)"
        let text = list.text()
        let files: [(String, [UInt8])] = [
            (base + ".txt", Array(text.utf8)), (base + ".html", Array(list.html().utf8)), (base + ".csv", Array(list.csv().utf8)),
            (base + ".pdf", list.pdf(issued: issued.description)),
        ]
        for (name, bytes) in files { try folder.write(bytes, as: name) }
        try folder.flush()
        return files.map(\.0)
    }
}
