import Foundation
import GRDB
import LabStore

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
            mine AS (
                SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE e.wearerID IN me
                UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN me
                UNION SELECT e.handedOverFromIssueID FROM enrolment e WHERE e.wearerID IN me AND e.handedOverFromIssueID IS NOT NULL)
            \(doseRecordSelect)
            WHERE i.id IN mine
            ORDER BY i.periodEnd, i.periodStart, i.id
            """, arguments: [lookup])
        let assigned = try currentAssignedDoses(issueIDs: rows.map { $0["id"] }, in: db)
        return rows.map { doseRecordPeriod(row: $0, isMine: me.contains, assigned: assigned) }
    }
}
