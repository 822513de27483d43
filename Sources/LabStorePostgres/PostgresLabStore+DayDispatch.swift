import Foundation
import LabStore
import PostgresNIO

/// A day's shipments in one transaction on PostgreSQL (the SQLite twin: SQLiteLabStore+DayDispatch.swift):
/// all or nothing, so a killed run leaves none of its shipments and the rerun makes them all. The
/// `shipment` table lock and every card of the day, locked in card order, are taken first
/// (``PostgresLabStore/lockForDispatch(_:in:)``): a second desk dispatching the same day waits,
/// then finds its cards issued and is refused whole, never sending a card twice.
extension PostgresLabStore: DayDispatchStore {
    public func dispatch(shipments: [(customerID: String, lines: [DispatchLine])], dispatchedOn: CalendarDay) throws(LabStoreError) -> [Shipment] {
        let stamp = storedTime(now())
        let made = try transaction("dispatch cards") { session -> [Shipment] in
            var rows = try Self.lockForDispatch(shipments.flatMap(\.lines), in: session)
            var made: [Shipment] = []
            for shipment in shipments {
                made.append(try Self.insertShipment(shipment.lines, customerID: shipment.customerID, dispatchedOn: dispatchedOn,
                                                    stamp: stamp, rows: &rows, in: session))
            }
            return made
        }
        logger.info("cards dispatched", metadata: [
            "shipments": "\(made.count)", "cards": "\(shipments.reduce(0) { $0 + $1.lines.count })",
        ])
        return made
    }
}
