import Foundation
import LabStore
import LabWorkflow

/// The result list of the returned shipment once its doses are released: what `tld results` lists
/// from (issue 10: 2 000 wearers under 0.5 s). The cycle up to the release is not measured.
extension ShipmentWorkload {
    /// Everything up to the released doses. Not measured.
    func prepareReleased() async throws {
        try prepare()
        try intake()
        try inspect()
        try await readout()
        try evaluate()
    }

    /// What `tld results --customer K-BENCH --period-end 2026-10-31 --out DIR` does after opening the
    /// lab: the result list from the store, then its text, HTML, CSV and PDF written whole. Returns the lines listed.
    func resultList(into directory: String) throws -> Int {
        let protector = try NationalIDProtector(masterKey: Data(repeating: 0x5A, count: 32))
        let to = try CalendarDay(parsing: "2026-10-31"), from = try CalendarDay(parsing: "2026-10-01")
        let list = try ReportBuilder(store: store, protector: protector).resultList(customerID: customer, from: from, to: to, today: Self.arrival.adding(days: 7))
        let files = try ResultListFiles(folder: try DocumentFolder(path: directory)).write(list, periodEnd: to, issued: Self.arrival.adding(days: 7))
        precondition(files.count == 4)
        return list.rows.count
    }
}
