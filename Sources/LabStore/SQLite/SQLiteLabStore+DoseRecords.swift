import Foundation
import GRDB

extension SQLiteLabStore: DoseRecordStore {
    public func wearers(nationalIDLookup: Data) throws(LabStoreError) -> [Wearer] {
        try read("find a person's wearer rows", table: Wearer.databaseTableName) { db in
            try Wearer.filter(Column("nationalIDLookup") == nationalIDLookup).order(Column("id")).fetchAll(db)
        }
    }

    public func doseRecord(nationalIDLookup: Data) throws(LabStoreError) -> [DoseRecordPeriod] {
        try read("read a person's dose record", table: CardIssue.databaseTableName) { db in
            try Self.doseRecord(lookup: nationalIDLookup, in: db)
        }
    }

    public func wornBy(issueID: CardIssue.ID) throws(LabStoreError) -> Wearer? {
        try read("find who wore a card", table: Wearer.databaseTableName) { db in
            try Self.wornByWearerID(issueID: issueID, in: db).flatMap { try Wearer.fetchOne(db, key: $0) }
        }
    }

    public func assignDose(_ dose: AssignedDose) throws(LabStoreError) -> AssignedDose {
        for value in [dose.hp10MilliSievert, dose.hp007MilliSievert].compactMap({ $0 }) where !value.isFinite {
            throw .nonFiniteValue(field: "assigned dose")
        }
        let stored = try write("assign a dose", table: AssignedDose.databaseTableName) { db in
            var row = dose
            row.assignedAt = now()
            try row.insert(db)
            return try Self.refetch(AssignedDose.self, id: row.id, in: db)
        }
        logger.info("dose assigned", metadata: ["issue": "\(dose.issueID.rawValue)", "method": "\(dose.method.rawValue)"])
        return stored
    }

    public func currentAssignedDoses(issueIDs: [CardIssue.ID]) throws(LabStoreError) -> [CardIssue.ID: AssignedDose] {
        try read("read assigned doses", table: AssignedDose.databaseTableName) { db in
            try Self.currentAssignedDoses(issueIDs: issueIDs.map(\.rawValue), in: db)
        }
    }

    // MARK: Inside a transaction

    /// The person who wore the issue's card: the one it was handed over to, else the card's wearer.
    /// nil for a card handed over to a person known by name only.
    static func wornByWearerID(issueID: CardIssue.ID, in db: Database) throws -> Int64? {
        try Row.fetchOne(db, sql: """
            SELECT i.handedOverToName AS name, coalesce(i.handedOverToWearerID,
                (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1)) AS wornBy,
                e.wearerID AS owner
            FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE i.id = ?
            """, arguments: [issueID.rawValue]).flatMap { row -> Int64? in
            let name: String? = row["name"]
            return name == nil ? row["owner"] : row["wornBy"]
        }
    }

    static func currentAssignedDoses(issueIDs: [Int64], in db: Database) throws -> [CardIssue.ID: AssignedDose] {
        guard !issueIDs.isEmpty else { return [:] }
        var out: [CardIssue.ID: AssignedDose] = [:]
        for chunk in stride(from: 0, to: issueIDs.count, by: 500).map({ Array(issueIDs[$0..<min($0 + 500, issueIDs.count)]) }) {
            let marks = chunk.map { _ in "?" }.joined(separator: ",")
            let rows = try AssignedDose.fetchAll(db, sql: """
                SELECT * FROM assignedDose a WHERE a.issueID IN (\(marks))
                AND NOT EXISTS (SELECT 1 FROM assignedDose b WHERE b.replacesID = a.id)
                """, arguments: StatementArguments(chunk))
            for row in rows { out[row.issueID] = row }
        }
        return out
    }

    /// Every period of the person with look-up hash `lookup` (see ``DoseRecordStore/doseRecord(nationalIDLookup:)``).
    static func doseRecord(lookup: Data, in db: Database) throws -> [DoseRecordPeriod] {
        let me = Set(try Int64.fetchAll(db, sql: "SELECT id FROM wearer WHERE nationalIDLookup = ?", arguments: [lookup]))
        guard !me.isEmpty else { return [] }
        let rows = try Row.fetchAll(db, sql: """
            WITH me AS (SELECT id FROM wearer WHERE nationalIDLookup = ?1),
            \(periodsSQL)
            """, arguments: [lookup])
        let assigned = try currentAssignedDoses(issueIDs: rows.map { $0["id"] }, in: db)
        return rows.map { period(row: $0, me: me, assigned: assigned) }
    }

    /// The issues of the wearers in the CTE `me` (their enrolments' cards, cards handed over to them),
    /// with what ``period(row:me:assigned:)`` needs, by period end, period start, then issue.
    static let periodsSQL = """
        mine AS (
            SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE e.wearerID IN me
            UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN me
            UNION SELECT e.handedOverFromIssueID FROM enrolment e WHERE e.wearerID IN me AND e.handedOverFromIssueID IS NOT NULL)
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
        WHERE i.id IN mine
        ORDER BY i.periodEnd, i.periodStart, i.id
        """

    /// One row of ``periodsSQL`` as a period of the record of the person whose wearer rows are `me`.
    static func period(row: Row, me: Set<Int64>, assigned: [CardIssue.ID: AssignedDose]) -> DoseRecordPeriod {
        let issueID = CardIssue.ID(rawValue: row["id"])
        let owner: Int64 = row["ownerID"]
        let wornBy: Int64? = row["wornByID"]
        let handedOver = (row["handedOverToName"] as String?) != nil
        let type: DosimeterType = row["dosimeterType"]
        // Whose period it is on this record: the wearer who wore the card.
        let wornByMe = handedOver ? wornBy.map(me.contains) ?? false : me.contains(owner)
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
