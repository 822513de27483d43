import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging

/// A lab with `enrolments` running 1-month whole-body enrolments (50 wearers per customer), each with
/// its February card out, and stock for March: the day's dispatch then sends one card per enrolment.
struct DispatchWorkload {
    let store: SQLiteLabStore
    let protector: NationalIDProtector
    let directory: URL
    let enrolments: Int
    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    init(enrolments: Int) throws {
        self.enrolments = enrolments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteLabStore.open(path: directory.appendingPathComponent("lab.sqlite").path, logger: Self.logger)
        protector = try NationalIDProtector(masterKey: Data(repeating: 0x42, count: 32))
    }

    static func day(_ text: String) throws -> CalendarDay { try CalendarDay(parsing: text) }

    /// Customers, wearers, enrolments, 2 × `enrolments` cards, prices, and February's dispatch.
    func prepare() throws {
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: try Self.day("2027-01-01"), priceMinorUnits: 12_500))
        try store.addCards((0..<(2 * enrolments)).map { Card(id: String(format: "4%07d", $0), dosimeterType: .wholeBody, stateChangedAt: Date()) })
        let perCustomer = 50
        for c in 0..<(enrolments + perCustomer - 1) / perCustomer {
            let customer = String(format: "K-%05d", c)
            _ = try store.saveCustomer(Customer(id: customer, name: "Klinik \(c)"))
            for w in 0..<min(perCustomer, enrolments - c * perCustomer) {
                let wearer = try store.addWearer(customerID: customer, name: "Wearer \(c)-\(w)",
                                                 nationalID: try protector.protect(String(format: "01%02d%02d-%04d", 1 + w % 12, 50 + w % 40, c % 10_000)))
                guard let wearerID = wearer.id else { continue }
                _ = try store.enrol(Enrolment(wearerID: wearerID, customerID: customer, dosimeterType: .wholeBody, periodLength: .oneMonth,
                                              startDate: try Self.day("2027-02-01"), orderedOn: try Self.day("2027-01-10")))
            }
        }
        _ = try DispatchRun(store: store, policy: DispatchPolicy(), logger: Self.logger).run(on: try Self.day("2027-01-11"))
    }

    /// What `tld dispatch --on 2027-02-22` does (the same calls): the run, then every shipment's slip
    /// (text, HTML, CSV, PDF) and label sheet written. Returns the cards sent.
    func dispatch(expectingWritten: Bool = true) throws -> Int {
        let day = try Self.day("2027-02-22")
        let report = try DispatchRun(store: store, policy: DispatchPolicy(), logger: Self.logger).run(on: day)
        let folder = try DocumentFolder(path: directory.appendingPathComponent("out").path)
        let files = try DispatchDocumentFiles(store: store, protector: protector, folder: folder).write(day: day)
        precondition(files.written == (expectingWritten ? files.shipments : 0), "wrote \(files.written) of \(files.shipments) shipments' documents")
        return report.sent.count
    }

    func cleanup() { try? FileManager.default.removeItem(at: directory) }
}
