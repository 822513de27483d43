import Foundation
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging

/// An import file of `rows` enrolments (50 customers of 200 wearers, every type and period; made-up
/// CPR-shaped IDs, all different) and a lab database file to import it into.
struct ImportWorkload {
    let directory: URL
    let store: SQLiteLabStore
    let bytes: [UInt8]
    let importer: LabImport

    init(rows: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tld-import-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        store = try SQLiteLabStore.open(path: directory.appendingPathComponent("lab.sqlite").path, logger: logger)
        bytes = Array(Self.file(rows: rows).utf8)
        importer = LabImport(store: store, protector: try NationalIDProtector(masterKey: Data(repeating: 0x5A, count: 32)), logger: logger)
    }

    func importFile() throws -> MasterDataImportSummary {
        try importer.run(utf8: bytes, orderedOn: try CalendarDay(parsing: "2026-12-06"))
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }

    static func file(rows: Int) -> String {
        let kinds = [("whole-body", "1m", "1"), ("whole-body", "3m", "15"), ("finger", "2w", "1"),
                     ("finger", "1m", "1"), ("neutron", "3m", "15"), ("shoulder", "1m", "1")]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = ImportFile.header + "\r\n"
        for i in 0..<rows {
            let c = i / 200
            let (type, period, changeDay) = kinds[i % kinds.count]
            let id = two(i % 28 + 1) + two(i / 28 % 12 + 1) + two(i / 336 % 100) + "-" + String(i % 4) + String(1000 + i % 1000).dropFirst()
            text += "K-\(2000 + c),\"Kunde \(c), Afdeling Ø\",\(10_000_000 + c),\"Vej \(c), 8000 Aarhus C\",Kontakt \(c),k\(c)@example.dk,"
                + "\"Bærer \(i), Åse\",\(id),\(type),\(period),\(changeDay),2027-01-\(changeDay == "15" ? "15" : "01"),\r\n"
        }
        return text
    }
}
