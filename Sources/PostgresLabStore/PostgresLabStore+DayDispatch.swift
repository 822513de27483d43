import Foundation
import LabStore
import PostgresNIO

/// A day's shipments in one transaction on PostgreSQL (the SQLite twin: SQLiteLabStore+DayDispatch.swift):
/// all or nothing, so a killed run leaves none of its shipments and the rerun makes them all. The
/// `shipment` table lock and every card of the day, locked in card order, are taken first
/// (``PostgresLabStore/lockForDispatch(cards:in:)``): a second desk dispatching the same day waits,
/// then finds its cards issued and is refused whole, never sending a card twice.
extension PostgresLabStore: DayDispatchStore {
    public func dispatch(shipments: [(customerID: String, lines: [DispatchLine])], dispatchedOn: CalendarDay) throws(LabStoreError) -> [Shipment] {
        let stamp = storedTime(now())
        let made = try transaction("dispatch cards") { session -> [Shipment] in
            try Self.lockForDispatch(cards: shipments.flatMap { $0.lines.map(\.request.cardID) }, in: session)
            return try shipments.map {
                try Self.insertShipment($0.lines, customerID: $0.customerID, dispatchedOn: dispatchedOn, stamp: stamp, in: session)
            }
        }
        logger.info("cards dispatched", metadata: [
            "shipments": "\(made.count)", "cards": "\(shipments.reduce(0) { $0 + $1.lines.count })",
        ])
        return made
    }
}
