import Dosimetry
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
    /// (inclusive): the released dose of each wearer, with remarks for damaged, late, handed-over and
    /// missing cards. A dose not released yet is listed as `pending` without a value, and the document
    /// is then a DRAFT. A card handed over is reported on the line of the person who wore it; the
    /// original wearer's line says "handed over". A finger card reports Hp(0.07) only. `today` decides
    /// which missing cards are due for compensation.
    public func resultList(customerID: String, from: CalendarDay, to: CalendarDay, today: CalendarDay) throws -> ResultList {
        let customer = try store.customer(id: customerID)
        var cache = Cache(store: store, protector: protector)
        var rows: [ResultList.Row] = []
        // Each batch's current doses read once, not once per issue.
        var batchDoses: [ReadoutBatch.ID: [String: DoseResult]] = [:]
        let wearers = try store.wearers(customerID: customerID)
        let enrolments = try store.enrolments(customerID: customerID)
        // Read in bulk, not row by row: a customer may have thousands of wearers.
        cache.lookup.preload(enrolments: enrolments, wearers: wearers)
        let records = store as? any EvaluationStore
        let arrivals = try records?.arrivalInspections(customerID: customerID)
        var reportLevels: [CalendarDay: Double] = [:]
        let listed = try store.issues(customerID: customerID).filter { $0.periodEnd >= from && $0.periodEnd <= to }
        // Doses assigned to lost, unreturned or unreadable dosimeters (docs/dose-records.md): marked as assigned.
        let assigned = try (store as? any DoseRecordStore)?.currentAssignedDoses(issueIDs: listed.compactMap(\.id)) ?? [:]
        for issue in listed {
            let (enrolment, wearerName, first4) = try cache.enrolment(issue.enrolmentID)
            var remarks: [String] = []
            var status: String
            var dose: DoseResult?
            if let arrived = issue.arrivedOn {
                if arrived > ReturnDeadlines.reminderDue(periodEnd: issue.periodEnd) {
                    remarks.append("returned late (arrived \(arrived))")
                }
                let arrival: CardInspection?
                if let arrivals {
                    arrival = issue.id.flatMap { arrivals[$0] }
                } else {
                    arrival = try store.inspections(cardID: issue.cardID).last { $0.issueID == issue.id && $0.stage == .arrival }
                }
                if let arrival, arrival.outcome != .fit {
                    let damage = arrival.damages.map(\.description).joined(separator: ", ")
                    remarks.append("card damaged on arrival\(damage.isEmpty ? "" : " (\(damage))"): "
                        + (arrival.outcome == .manualQA ? "manual QA" : "retired, compensation due")
                        + (arrival.remark.isEmpty ? "" : "; \(arrival.remark)"))
                }
                if let batch = issue.batchID {
                    if batchDoses[batch] == nil {
                        batchDoses[batch] = Dictionary(try store.currentDoses(batch: batch).map { ($0.cardID, $0) }, uniquingKeysWith: { a, _ in a })
                    }
                    dose = batchDoses[batch]?[issue.cardID]
                }
                if let d = dose, d.state == .released {
                    status = d.hp10MilliSievert == nil && d.hp007MilliSievert == nil ? "no valid result" : "released"
                } else {
                    status = "pending"
                    remarks.append(dose == nil ? (issue.batchID == nil ? "not read yet" : "not evaluated yet") : "dose not released yet (\(dose?.state == .needsReview ? "under review" : "evaluated"))")
                }
                if let d = dose, d.doseFlags.contains(.correctedByPhysicist) || d.doseFlags.contains(.rejectedByPhysicist) {
                    remarks.append(d.remarks.components(separatedBy: "; ").last ?? d.remarks)
                }
                if let d = dose, d.state == .released, let lost = LostElementRemark.text(flags: d.doseFlags) { remarks.append(lost) }
                if enrolment.dosimeterType == .finger { remarks.append("finger dosimeter: Hp(0.07) only") }
            } else {
                status = "missing"
                remarks.append("not returned")
                if today > ReturnDeadlines.compensationDue(periodEnd: issue.periodEnd) { remarks.append("compensation due") }
                else if today > ReturnDeadlines.reminderDue(periodEnd: issue.periodEnd) { remarks.append("reminder due") }
            }
            let released = dose?.state == .released
            var hp10 = released && enrolment.dosimeterType != .finger ? dose?.hp10MilliSievert : nil
            var hp007 = released ? dose?.hp007MilliSievert : nil
            var limit = dose?.detectionLimitMilliSievert
            if hp10 == nil, hp007 == nil, let id = issue.id, let a = assigned[id], dose == nil || released {
                limit = nil
                remarks.removeAll { $0 == "not read yet" }
                hp10 = enrolment.dosimeterType == .finger ? nil : a.hp10MilliSievert
                hp007 = a.hp007MilliSievert
                status = "assigned"
                remarks.append(a.remark)
            }
            // DOMAIN.md §3/§4: a dose above the customer's report level is reported to the health
            // authority, and the result says so.
            if let records, let value = enrolment.dosimeterType == .finger ? hp007 : hp10 {
                let report = try reportLevels[issue.periodEnd]
                    ?? records.levels(customerID: customerID, on: issue.periodEnd).reportMilliSievert
                reportLevels[issue.periodEnd] = report
                if value > report {
                    remarks.append("above the report level of \(ReviewPolicy.mSv(report)) mSv per period: reported to the health authority")
                }
            }
            if let name = issue.handedOverToName {
                // The dose belongs to the person who wore the card: their line carries it; the original
                // wearer's line says the card was handed over.
                let wornBy = enrolments.first { $0.handedOverFromIssueID == issue.id?.rawValue }
                    ?? wearers.first { $0.name == name }.flatMap { w in enrolments.first { $0.wearerID == w.id && $0.dosimeterType == enrolment.dosimeterType } }
                var other = (number: "", name: name, first4: "")
                if let wornBy, let id = wornBy.id { (_, other.name, other.first4) = try cache.enrolment(id); other.number = wornBy.number }
                rows.append(ResultList.Row(
                    wearerName: wearerName, nationalIDFirst4: first4, enrolmentNumber: enrolment.number,
                    dosimeterType: enrolment.dosimeterType.displayName, cardID: issue.cardID,
                    periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description,
                    hp10MilliSievert: nil, hp007MilliSievert: nil, detectionLimitMilliSievert: nil, status: "handed over",
                    remarks: ["handed over to \(other.name)"]))
                rows.append(ResultList.Row(
                    wearerName: other.name, nationalIDFirst4: other.first4, enrolmentNumber: other.number,
                    dosimeterType: enrolment.dosimeterType.displayName, cardID: issue.cardID,
                    periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description,
                    hp10MilliSievert: hp10, hp007MilliSievert: hp007, detectionLimitMilliSievert: limit,
                    status: status, remarks: ["worn by \(other.name): card of \(wearerName), handed over"] + remarks))
                continue
            }
            rows.append(ResultList.Row(
                wearerName: wearerName, nationalIDFirst4: first4, enrolmentNumber: enrolment.number,
                dosimeterType: enrolment.dosimeterType.displayName, cardID: issue.cardID,
                periodStart: issue.periodStart.description, periodEnd: issue.periodEnd.description,
                hp10MilliSievert: hp10, hp007MilliSievert: hp007,
                detectionLimitMilliSievert: limit, status: status, remarks: remarks))
        }
        let number = "RL-\(customerID)-\(to.description.replacingOccurrences(of: "-", with: ""))"
        var list = ResultList(customerNumber: customerID, customerName: customer?.name ?? "", periodLabel: "ending between \(from) and \(to)",
                              rows: rows, reportNumber: number, isDraft: rows.contains { $0.status == "pending" })
        // Result list v2: each line's year-to-date and lifetime sums, all persons' records read in one batch.
        if let records = store as? any DoseRecordBatchStore {
            try ResultListSums(store: records).annotate(&list, wearers: wearers, enrolments: enrolments)
        }
        return list
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
