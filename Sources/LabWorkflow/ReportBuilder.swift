import Foundation
import LabReports
import LabStore

/// Builds the customer documents of ``LabReports`` from the store: packing slips and result lists.
/// The national ID is decrypted only to print its first four digits.
public struct ReportBuilder: Sendable {
    let store: any LabRecordStore
    let protector: NationalIDProtector

    public init(store: any LabRecordStore, protector: NationalIDProtector) {
        self.store = store
        self.protector = protector
    }

    /// Per-type display order on documents.
    static let typeOrder = DosimeterType.allCases.map(\.displayName)

    public func packingSlip(shipment: Shipment) throws -> PackingSlip {
        guard let shipmentID = shipment.id else { throw WorkflowError.batchNotFound("shipment without id") }
        let customer = try store.customer(id: shipment.customerID)
        var rows: [(type: String, unitPriceMinorUnits: Int, row: PackingSlip.Row)] = []
        var currency = "DKK"
        var cache = Cache(store: store, protector: protector)
        for issue in try store.issues(shipment: shipmentID) {
            let (enrolment, wearerName, first4) = try cache.enrolment(issue.enrolmentID)
            let price = try store.price(of: enrolment.dosimeterType, on: shipment.dispatchedOn)
            if let price { currency = price.currency }
            rows.append((enrolment.dosimeterType.displayName, price?.priceMinorUnits ?? 0, PackingSlip.Row(
                wearerName: wearerName, nationalIDFirst4: first4, enrolmentNumber: enrolment.number, cardID: issue.cardID,
                periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description)))
        }
        return PackingSlip(
            customerNumber: shipment.customerID, customerName: customer?.name ?? "", shipmentNumber: "S-\(shipmentID.rawValue)",
            dispatchedOn: shipment.dispatchedOn.description, currency: currency, rows: rows, typeOrder: Self.typeOrder)
    }

    /// The result list of a customer for the issues whose period ended between `from` and `to`
    /// (inclusive): the dose of each wearer, with remarks for damaged, late, handed-over and missing
    /// cards. `today` decides which missing cards are due for compensation.
    public func resultList(customerID: String, from: CalendarDay, to: CalendarDay, today: CalendarDay) throws -> ResultList {
        let customer = try store.customer(id: customerID)
        var cache = Cache(store: store, protector: protector)
        var rows: [ResultList.Row] = []
        for issue in try store.issues(customerID: customerID) where issue.periodEnd >= from && issue.periodEnd <= to {
            let (enrolment, wearerName, first4) = try cache.enrolment(issue.enrolmentID)
            var remarks: [String] = []
            var status: String
            var dose: DoseResult?
            if let arrived = issue.arrivedOn {
                if arrived > ReturnDeadlines.reminderDue(periodEnd: issue.periodEnd) {
                    remarks.append("returned late (arrived \(arrived))")
                }
                if let name = issue.handedOverToName { remarks.append("worn by \(name) (handover reported at return)") }
                if let arrival = try store.inspections(cardID: issue.cardID).last(where: { $0.issueID == issue.id && $0.stage == .arrival }),
                   arrival.outcome != .fit {
                    let damage = arrival.damages.map(\.description).joined(separator: ", ")
                    remarks.append("card damaged on arrival\(damage.isEmpty ? "" : " (\(damage))"): "
                        + (arrival.outcome == .manualQA ? "manual QA" : "retired, compensation due")
                        + (arrival.remark.isEmpty ? "" : "; \(arrival.remark)"))
                }
                if let batch = issue.batchID {
                    dose = try store.currentDoses(batch: batch).first { $0.cardID == issue.cardID }
                }
                status = dose?.state.rawValue ?? "not read yet"
                if let d = dose, d.state == .released, d.hp10MilliSievert == nil { status = "no valid result" }
                if let d = dose, d.flags.contains(DoseReview.correctedFlag) || d.flags.contains(DoseReview.rejectedFlag) {
                    remarks.append(d.remarks.components(separatedBy: "; ").last ?? d.remarks)
                }
            } else {
                status = "missing"
                remarks.append("not returned")
                if today > ReturnDeadlines.compensationDue(periodEnd: issue.periodEnd) { remarks.append("compensation due") }
                else if today > ReturnDeadlines.reminderDue(periodEnd: issue.periodEnd) { remarks.append("reminder due") }
            }
            let released = dose?.state == .released
            rows.append(ResultList.Row(
                wearerName: wearerName, nationalIDFirst4: first4, enrolmentNumber: enrolment.number,
                dosimeterType: enrolment.dosimeterType.displayName, cardID: issue.cardID,
                periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description,
                hp10MilliSievert: released ? dose?.hp10MilliSievert : nil, hp007MilliSievert: released ? dose?.hp007MilliSievert : nil,
                detectionLimitMilliSievert: dose?.detectionLimitMilliSievert, status: status, remarks: remarks))
        }
        return ResultList(customerNumber: customerID, customerName: customer?.name ?? "", periodLabel: "ending between \(from) and \(to)", rows: rows)
    }

    /// Enrolments and wearers looked up once per document, with the first four digits of the wearer's
    /// national ID (decrypted once per enrolment).
    struct Cache {
        var lookup: EnrolmentLookup
        let protector: NationalIDProtector
        var first4: [Enrolment.ID: String] = [:]

        init(store: any LabRecordStore, protector: NationalIDProtector) {
            lookup = EnrolmentLookup(store: store)
            self.protector = protector
        }

        mutating func enrolment(_ id: Enrolment.ID) throws -> (Enrolment, String, String) {
            let (enrolment, wearer) = try lookup.enrolment(id)
            if let digits = first4[id] { return (enrolment, wearer.name, digits) }
            let digits = try protector.firstFourDigits(of: wearer.protectedID)
            first4[id] = digits
            return (enrolment, wearer.name, digits)
        }
    }
}
