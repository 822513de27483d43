import LabReports

/// The files of a ``DoseHistoryReport`` in a ``DocumentFolder``: `BASE.txt`, `.html`, `.pdf`, each
/// written whole or not at all.
public struct DoseHistoryFiles: Sendable {
    let folder: DocumentFolder

    public init(folder: DocumentFolder) { self.folder = folder }

    /// Writes the three files; returns their names.
    public func write(_ report: DoseHistoryReport, base: String) throws -> [String] {
        folder.removePartials()
        let files: [(String, [UInt8])] = [
            (base + ".txt", Array(report.text().utf8)), (base + ".html", Array(report.html().utf8)), (base + ".pdf", report.pdf()),
        ]
        for (name, bytes) in files { try folder.write(bytes, as: name) }
        try folder.flush()
        return files.map(\.0)
    }
}
