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
        let charges = Dictionary(try store.charges(shipment: shipmentID).filter { $0.kind == .cardSent }.map { ($0.issueID, $0) },
                                 uniquingKeysWith: { a, _ in a })
        var cache = ReportBuilder.Cache(store: store, protector: protector)
        var rows: [(type: String, unitPriceMinorUnits: Int, row: PackingSlip.Row)] = []
        var currency = "DKK"
        var periodEnds = Set<CalendarDay>()
        for issue in try store.issues(shipment: shipmentID) {
            let (enrolment, wearerName, first4) = try cache.enrolment(issue.enrolmentID)
            let charge = issue.id.flatMap { charges[$0] }
            // A shipment made before the ledger existed: the price list of the dispatch day.
            let listed = try store.price(of: enrolment.dosimeterType, on: shipment.dispatchedOn)
            let unit = listed?.priceMinorUnits ?? charge?.amountMinorUnits ?? 0
            if let c = charge?.currency ?? listed?.currency { currency = c }
            periodEnds.insert(issue.periodEnd)
            rows.append((enrolment.dosimeterType.displayName, unit, PackingSlip.Row(
                wearerName: wearerName, nationalIDFirst4: first4, enrolmentNumber: enrolment.number, cardID: issue.cardID,
                periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description,
                priceMinorUnits: charge?.amountMinorUnits ?? unit, free: charge?.free ?? false,
                dosimeterTypeCode: Self.typeCode(enrolment.dosimeterType))))
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
