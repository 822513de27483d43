import Foundation
import GRDB
import LabStore

/// How a row of card issue, enrolment and current dose becomes a period of a person's dose record:
/// one query per person (``SQLiteLabStore/doseRecord(lookup:in:)``) and one set query for the periods
/// of a range (the registry export) build their periods with the same code.
extension SQLiteLabStore {
    /// The columns a period is built from, one row per card issue `i` (its enrolment `e`, its current dose `d`).
    static let doseRecordSelect = """
        SELECT i.id, i.customerID, i.cardID, i.periodStart, i.periodEnd, i.arrivedOn, i.returnID, i.batchID,
               i.handedOverToName,
               coalesce(i.handedOverToWearerID,
                   (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1)) AS wornByID,
               (SELECT h.number FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1) AS handoverNumber,
               e.wearerID AS ownerID, e.number, e.dosimeterType,
               d.id AS doseID, d.state AS doseState, d.hp10MilliSievert, d.hp007MilliSievert, d.detectionLimitMilliSievert,
               (SELECT max(a.at) FROM doseAudit a WHERE a.doseID = d.id AND a.state = 'released') AS releasedAt,
               EXISTS (SELECT 1 FROM cardInspection c WHERE c.cardID = i.cardID AND c.issueID = i.id AND c.stage = 'arrival' AND c.outcome = 'retire') AS retired
        FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
        LEFT JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL
        """

    /// The wearer row who wore the card of a ``doseRecordSelect`` row: the one it was handed over to
    /// (nil when known by name only), else the card's wearer.
    static func wornByWearerID(row: Row) -> Int64? {
        (row["handedOverToName"] as String?) != nil ? row["wornByID"] : row["ownerID"]
    }

    /// The period of a ``doseRecordSelect`` row on the record of the person whose wearer rows `isMine` tells.
    static func doseRecordPeriod(row: Row, isMine: (Int64) -> Bool, assigned: [CardIssue.ID: AssignedDose]) -> DoseRecordPeriod {
        let issueID = CardIssue.ID(rawValue: row["id"])
        let owner: Int64 = row["ownerID"]
        let wornBy: Int64? = row["wornByID"]
        let handedOver = (row["handedOverToName"] as String?) != nil
        let type: DosimeterType = row["dosimeterType"]
        // Whose period it is on this record: the wearer who wore the card.
        let wornByMe = handedOver ? wornBy.map(isMine) ?? false : isMine(owner)
        var period = DoseRecordPeriod(
            issueID: issueID, customerID: row["customerID"], wearerID: Wearer.ID(rawValue: wornByMe ? (handedOver ? wornBy ?? owner : owner) : owner),
            enrolmentNumber: wornByMe && handedOver ? (row["handoverNumber"] as String?) ?? row["number"] : row["number"],
            dosimeterType: type, cardID: row["cardID"], periodStart: row["periodStart"], periodEnd: row["periodEnd"],
            status: .notReturned, wornOnHandover: wornByMe && handedOver, arrivedOn: row["arrivedOn"])
        if !wornByMe {
            period.status = .handedOver
            return period
        }
        let state: String? = row["doseState"]
        let hp10: Double? = row["hp10MilliSievert"]
        let hp007: Double? = row["hp007MilliSievert"]
        if state == DoseState.released.rawValue {
            period.doseID = (row["doseID"] as Int64?).map(DoseResult.ID.init(rawValue:))
            period.releasedAt = row["releasedAt"]
            period.detectionLimitMilliSievert = row["detectionLimitMilliSievert"]
            period.hp10MilliSievert = type == .finger ? nil : hp10
            period.hp007MilliSievert = hp007
            period.status = DoseRecordPeriod.releasedStatus(
                type: type, hp10: period.hp10MilliSievert, hp007: hp007, detectionLimit: period.detectionLimitMilliSievert)
        } else if (row["returnID"] as Int64?) != nil {
            // Back but not released: pending; retired on arrival (never read): no valid result.
            period.status = state == nil && (row["retired"] as Bool? ?? false) ? .noValidResult : .pending
        }
        // A measured dose wins over an assigned one (a card that came back late and was read).
        if let assignment = assigned[issueID], period.status != .measured, period.status != .belowDetectionLimit {
            period.status = .assigned
            period.assignment = assignment
            period.hp10MilliSievert = type == .finger ? nil : assignment.hp10MilliSievert
            period.hp007MilliSievert = assignment.hp007MilliSievert
            period.detectionLimitMilliSievert = nil
            period.releasedAt = assignment.assignedAt
        }
        return period
    }
}
