import LabReports
import LabStore

/// The documents of an outgoing shipment: the packing slip (prices as charged in the ledger, free
/// cards marked, return deadlines) and the label sheet for the cards' foils.
public struct DispatchDocuments: Sendable {
    let store: any DispatchStore
    let protector: NationalIDProtector

    public init(store: any DispatchStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    /// The short name of a type in CSV files: `whole-body`, `finger`, `neutron`, `shoulder`.
    public static func typeCode(_ type: DosimeterType) -> String {
        switch type {
        case .wholeBody: "whole-body"
        case .finger: "finger"
        case .neutron: "neutron"
        case .shoulder: "shoulder"
        }
    }

    public func packingSlip(shipment: Shipment) throws -> PackingSlip {
        guard let shipmentID = shipment.id else { throw LabStoreError.invalidRecord("a shipment without id") }
        let customer = try store.customer(id: shipment.customerID)
        var rows: [(type: String, unitPriceMinorUnits: Int, row: PackingSlip.Row)] = []
        var currency = "DKK"
        var periodEnds = Set<CalendarDay>()
        var listedPrices: [DosimeterType: CardPrice?] = [:]
        for line in try store.shipmentLines(shipmentID) {
            // The table's unit price: the price list of the dispatch day (once per type).
            if listedPrices[line.dosimeterType] == nil {
                listedPrices[line.dosimeterType] = .some(try store.price(of: line.dosimeterType, on: shipment.dispatchedOn))
            }
            let listed = listedPrices[line.dosimeterType] ?? nil
            let unit = listed?.priceMinorUnits ?? line.chargedMinorUnits ?? 0
            if let c = line.currency ?? listed?.currency { currency = c }
            periodEnds.insert(line.periodEnd)
            rows.append((line.dosimeterType.displayName, unit, PackingSlip.Row(
                wearerName: line.wearerName, nationalIDFirst4: try protector.firstFourDigits(of: line.nationalID),
                enrolmentNumber: line.enrolmentNumber, cardID: line.cardID,
                periodStart: line.periodStart.description, periodEnd: line.periodEnd.description,
                priceMinorUnits: line.chargedMinorUnits ?? unit, free: line.free, dosimeterTypeCode: Self.typeCode(line.dosimeterType))))
        }
        let deadlines = periodEnds.sorted().map { end in
            "Period ending \(end): reminder after \(ReturnDeadlines.reminderDue(periodEnd: end)), "
                + "compensation if not back by \(ReturnDeadlines.compensationDue(periodEnd: end))"
        }
        return PackingSlip(
            customerNumber: shipment.customerID, customerName: customer?.name ?? "", shipmentNumber: "S-\(shipmentID.rawValue)",
            dispatchedOn: shipment.dispatchedOn.description, currency: currency, rows: rows,
            typeOrder: ReportBuilder.typeOrder, returnDeadlines: deadlines)
    }

    /// One label per card, in the packing slip's order.
    public func labelSheet(slip: PackingSlip) -> LabelSheet {
        LabelSheet(labels: slip.sections.flatMap { s in
            s.rows.map { r in
                LabelSheet.Label(wearerName: r.wearerName, enrolmentNumber: r.enrolmentNumber, periodStart: r.periodStart,
                                 periodEnd: r.periodEnd, cardID: r.cardID, customerNumber: slip.customerNumber, dosimeterType: s.dosimeterType)
            }
        })
    }
}
