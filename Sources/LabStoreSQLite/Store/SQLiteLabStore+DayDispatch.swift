import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: DayDispatchStore {
    public func dispatch(shipments: [(customerID: String, lines: [DispatchLine])], dispatchedOn: CalendarDay) throws(LabStoreError) -> [Shipment] {
        let stamp = now()
        let made = try write("dispatch cards", table: CardIssue.databaseTableName) { db in
            try shipments.map { try Self.insertShipment($0.lines, customerID: $0.customerID, dispatchedOn: dispatchedOn, stamp: stamp, in: db) }
        }
        logger.info("cards dispatched", metadata: [
            "shipments": "\(made.count)", "cards": "\(shipments.reduce(0) { $0 + $1.lines.count })",
        ])
        return made
    }
}
