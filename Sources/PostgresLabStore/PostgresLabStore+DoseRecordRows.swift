import Foundation
import LabStore
import PostgresNIO

/// How a row of card issue, enrolment and current dose becomes a period of a person's dose record on
/// PostgreSQL (the SQLite twin: SQLiteLabStore+DoseRecordRows.swift, the same columns and the same
/// rules): one query per person and one set query for the periods of a range (the registry export)
/// build their periods with the same code. Days are read back as `YYYY-MM-DD` text
/// (PostgresMasterDataRows.swift).
extension PostgresLabStore {
    /// The columns a period is built from, one row per card issue `i` (its enrolment `e`, its current
    /// dose `d`), in ``DoseRecordRow``'s order.
    static let doseRecordSelect = """
        SELECT i.id, i.customerID, i.cardID, to_char(i.periodStart, 'YYYY-MM-DD'), to_char(i.periodEnd, 'YYYY-MM-DD'),
               to_char(i.arrivedOn, 'YYYY-MM-DD'), i.returnID, i.batchID, i.handedOverToName,
               coalesce(i.handedOverToWearerID,
                   (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1)) AS wornByID,
               (SELECT h.number FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1) AS handoverNumber,
               e.wearerID AS ownerID, e.number, e.dosimeterType,
               d.id AS doseID, d.state AS doseState, d.hp10MilliSievert, d.hp007MilliSievert, d.detectionLimitMilliSievert,
               (SELECT max(a.at) FROM doseAudit a WHERE a.doseID = d.id AND a.state = 'released') AS releasedAt,
               EXISTS (SELECT 1 FROM cardInspection c WHERE c.cardID = i.cardID AND c.issueID = i.id
                       AND c.stage = 'arrival' AND c.outcome = 'retire') AS retired
        FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
        LEFT JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL
        """

    /// One row of ``doseRecordSelect``.
    struct DoseRecordRow {
        var issueID: Int64
        var customerID: String
        var cardID: String
        var periodStart: CalendarDay
        var periodEnd: CalendarDay
        var arrivedOn: CalendarDay?
        var returnID: Int64?
        var handedOverToName: String?
        var wornByID: Int64?
        var handoverNumber: String?
        var ownerID: Int64
        var number: String
        var dosimeterType: DosimeterType
        var doseID: Int64?
        var doseState: String?
        var hp10: Double?
        var hp007: Double?
        var detectionLimit: Double?
        var releasedAt: Date?
        var retired: Bool

        init(_ row: PostgresRow) throws {
            let r = row.makeRandomAccess()
            issueID = try r[0].decode(Int64.self)
            customerID = try r[1].decode(String.self)
            cardID = try r[2].decode(String.self)
            guard let start = try PostgresLabStore.day(try r[3].decode(String?.self), table: "cardIssue"),
                  let end = try PostgresLabStore.day(try r[4].decode(String?.self), table: "cardIssue") else {
                throw LabStoreError.corruptRow(table: "cardIssue", reason: "issue \(issueID) without its period")
            }
            periodStart = start
            periodEnd = end
            arrivedOn = try PostgresLabStore.day(try r[5].decode(String?.self), table: "cardIssue")
            returnID = try r[6].decode(Int64?.self)
            // r[7]: the batch (selected as SQLite's twin does; the dose join uses it).
            handedOverToName = try r[8].decode(String?.self)
            wornByID = try r[9].decode(Int64?.self)
            handoverNumber = try r[10].decode(String?.self)
            ownerID = try r[11].decode(Int64.self)
            number = try r[12].decode(String.self)
            let type = try r[13].decode(String.self)
            guard let dosimeterType = DosimeterType(rawValue: type) else {
                throw LabStoreError.corruptRow(table: "enrolment", reason: "unknown dosimeter type \(type)")
            }
            self.dosimeterType = dosimeterType
            doseID = try r[14].decode(Int64?.self)
            doseState = try r[15].decode(String?.self)
            hp10 = try r[16].decode(Double?.self)
            hp007 = try r[17].decode(Double?.self)
            detectionLimit = try r[18].decode(Double?.self)
            releasedAt = try r[19].decode(Date?.self)
            retired = try r[20].decode(Bool.self)
        }

        /// The wearer row who wore the card: the one it was handed over to (nil when known by name
        /// only), else the card's wearer.
        var wornByWearerID: Int64? { handedOverToName != nil ? wornByID : ownerID }
    }

    /// The period of a ``doseRecordSelect`` row on the record of the person whose wearer rows `isMine`
    /// tells (SQLiteLabStore.doseRecordPeriod(row:isMine:assigned:), rule for rule).
    static func doseRecordPeriod(row: DoseRecordRow, isMine: (Int64) -> Bool, assigned: [CardIssue.ID: AssignedDose]) -> DoseRecordPeriod {
        let issueID = CardIssue.ID(rawValue: row.issueID)
        let owner = row.ownerID
        let wornBy = row.wornByID
        let handedOver = row.handedOverToName != nil
        let type = row.dosimeterType
        // Whose period it is on this record: the wearer who wore the card.
        let wornByMe = handedOver ? wornBy.map(isMine) ?? false : isMine(owner)
        var period = DoseRecordPeriod(
            issueID: issueID, customerID: row.customerID,
            wearerID: Wearer.ID(rawValue: wornByMe ? (handedOver ? wornBy ?? owner : owner) : owner),
            enrolmentNumber: wornByMe && handedOver ? row.handoverNumber ?? row.number : row.number,
            dosimeterType: type, cardID: row.cardID, periodStart: row.periodStart, periodEnd: row.periodEnd,
            status: .notReturned, wornOnHandover: wornByMe && handedOver, arrivedOn: row.arrivedOn)
        if !wornByMe {
            period.status = .handedOver
            return period
        }
        if row.doseState == DoseState.released.rawValue {
            period.doseID = row.doseID.map(DoseResult.ID.init(rawValue:))
            period.releasedAt = row.releasedAt
            period.detectionLimitMilliSievert = row.detectionLimit
            period.hp10MilliSievert = type == .finger ? nil : row.hp10
            period.hp007MilliSievert = row.hp007
            period.status = DoseRecordPeriod.releasedStatus(
                type: type, hp10: period.hp10MilliSievert, hp007: row.hp007, detectionLimit: period.detectionLimitMilliSievert)
        } else if row.returnID != nil {
            // Back but not released: pending; retired on arrival (never read): no valid result.
            period.status = row.doseState == nil && row.retired ? .noValidResult : .pending
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

    // MARK: Assigned doses

    static let assignedDoseColumns = """
        id, issueID, method, reason, hp10MilliSievert, hp007MilliSievert, sourceIssueIDs::text, who, why, assignedAt, replacesID
        """

    static func decodeAssignedDose(_ row: PostgresRow) throws -> AssignedDose {
        let (id, issueID, methodText, reasonText, hp10, hp007, sources, who, why, assignedAt, replacesID) = try row.decode(
            (Int64, Int64, String, String, Double?, Double?, String, String, String, Date, Int64?).self)
        guard let method = AssignedDose.Method(rawValue: methodText), let reason = AssignedDose.Reason(rawValue: reasonText) else {
            throw LabStoreError.corruptRow(table: "assignedDose", reason: "unknown method \(methodText) or reason \(reasonText)")
        }
        // jsonb prints "[1, 2]"; the record holds the array as SQLite stores it, "[1,2]".
        let sourceIssues = sources.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            .split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.map(CardIssue.ID.init(rawValue:))
        return AssignedDose(
            id: AssignedDose.ID(rawValue: id), issueID: CardIssue.ID(rawValue: issueID), method: method, reason: reason,
            hp10MilliSievert: hp10, hp007MilliSievert: hp007, sourceIssues: sourceIssues, who: who, why: why,
            assignedAt: assignedAt, replacesID: replacesID.map(AssignedDose.ID.init(rawValue:)))
    }

    /// The current assigned dose of each of these issues that has one (one not replaced by another).
    static func currentAssignedDoses(issueIDs: [Int64], in session: PostgresSession) throws -> [CardIssue.ID: AssignedDose] {
        guard !issueIDs.isEmpty else { return [:] }
        var b = PostgresBindings()
        b.append(Array(Set(issueIDs)))
        var out: [CardIssue.ID: AssignedDose] = [:]
        for row in try session.query("""
            SELECT \(assignedDoseColumns) FROM assignedDose a WHERE a.issueID = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM assignedDose b WHERE b.replacesID = a.id)
            """, b) {
            let dose = try decodeAssignedDose(row)
            out[dose.issueID] = dose
        }
        return out
    }

    /// The issues of the person whose wearer rows the subquery `me` (one column of wearer ids) gives:
    /// the periods of their enrolments, the cards handed over to them, and the cards they took over.
    static func mineCTE(me: String) -> String {
        """
        WITH me AS (\(me)),
        mine AS (
            SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE e.wearerID IN (SELECT id FROM me)
            UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN (SELECT id FROM me)
            UNION SELECT e.handedOverFromIssueID FROM enrolment e
                  WHERE e.wearerID IN (SELECT id FROM me) AND e.handedOverFromIssueID IS NOT NULL)
        """
    }
}
