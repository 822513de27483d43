/// A store that records several customers' shipments of a day in one transaction: a day's dispatch
/// of 10 000 cards to 200 customers commits (and waits for the disk) a few times instead of 200.
/// Each shipment is whole as with ``DispatchStore/dispatch(_:customerID:dispatchedOn:)``; the
/// transaction is all or nothing, so a killed run leaves none of its shipments and the rerun makes
/// them all, with the same cards.
public protocol DayDispatchStore: DispatchStore {
    /// The shipments (customer, lines), in order, in one write transaction.
    func dispatch(shipments: [(customerID: String, lines: [DispatchLine])], dispatchedOn: CalendarDay) throws(LabStoreError) -> [Shipment]
}
