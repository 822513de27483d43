import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: AnnualReviewStore {
    public func doseRecords(wearersOf customerID: String, periodEndFrom from: CalendarDay, through: CalendarDay) throws(LabStoreError) -> [Data: [DoseRecordPeriod]] {
        try read("read the dose records of a customer's wearers", table: CardIssue.databaseTableName) { db in
            // Every wearer row of every person who is a wearer of the customer (the same person at other customers too).
            let me = "SELECT id FROM wearer WHERE nationalIDLookup IN (SELECT nationalIDLookup FROM wearer WHERE customerID = ?1)"
            var personOf: [Int64: Data] = [:]
            var wearersOf: [Data: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, nationalIDLookup FROM wearer WHERE id IN (\(me))", arguments: [customerID]) {
                let id: Int64 = row["id"], lookup: Data = row["nationalIDLookup"]
                personOf[id] = lookup
                wearersOf[lookup, default: []].insert(id)
            }
            guard !personOf.isEmpty else { return [:] }
            // Enrolments made by a handover: their wearer's record holds the handed-over card's period
            // (as the per-person query's third branch has it), even when another enrolment wore it.
            var handoverWearers: [Int64: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT handedOverFromIssueID AS issue, wearerID FROM enrolment
                WHERE handedOverFromIssueID IS NOT NULL AND wearerID IN (\(me)) ORDER BY id
                """, arguments: [customerID]) {
                handoverWearers[row["issue"], default: []].append(row["wearerID"])
            }
            // The same periods as the per-person query (SQLiteLabStore+DoseRecords.swift), for all persons at once.
            let rows = try Row.fetchAll(db, sql: """
                WITH me AS (\(me)),
                mine AS (
                    SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE e.wearerID IN me AND i.periodEnd BETWEEN ?2 AND ?3
                    UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN me
                    UNION SELECT e.handedOverFromIssueID FROM enrolment e WHERE e.wearerID IN me AND e.handedOverFromIssueID IS NOT NULL)
                \(Self.doseRecordSelect)
                WHERE i.id IN mine AND i.periodEnd BETWEEN ?2 AND ?3
                ORDER BY i.periodEnd, i.periodStart, i.id
                """, arguments: [customerID, from, through])
            let assigned = try Self.currentAssignedDoses(issueIDs: rows.map { $0["id"] }, in: db)
            var out: [Data: [DoseRecordPeriod]] = [:]
            for row in rows {
                let issue: Int64 = row["id"]
                var persons: [Data] = []
                for id in [row["ownerID"], row["wornByID"]].compactMap({ $0 as Int64? }) + (handoverWearers[issue] ?? []) {
                    if let person = personOf[id], !persons.contains(person) { persons.append(person) }
                }
                for person in persons {
                    out[person, default: []].append(Self.doseRecordPeriod(row: row, isMine: (wearersOf[person] ?? []).contains, assigned: assigned))
                }
            }
            return out
        }
    }

    public func arrivalInspections(customerID: String, periodEndFrom from: CalendarDay, through: CalendarDay) throws(LabStoreError) -> [CardIssue.ID: CardInspection] {
        try read("list a customer's arrival inspections", table: CardInspection.databaseTableName) { db in
            let rows = try CardInspection.fetchAll(db, sql: """
                SELECT n.* FROM cardIssue i JOIN cardInspection n ON n.issueID = i.id
                WHERE i.customerID = ? AND i.periodEnd BETWEEN ? AND ? AND n.stage = 'arrival' ORDER BY n.id
                """, arguments: [customerID, from, through])
            var out: [CardIssue.ID: CardInspection] = [:]
            for r in rows { if let issue = r.issueID { out[issue] = r } }
            return out
        }
    }
}
