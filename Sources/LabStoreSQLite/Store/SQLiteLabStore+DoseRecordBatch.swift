import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: DoseRecordBatchStore {
    public func doseRecords(nationalIDLookups: [Data]) throws(LabStoreError) -> [Data: [DoseRecordPeriod]] {
        let lookups = Array(Set(nationalIDLookups))
        guard !lookups.isEmpty else { return [:] }
        return try read("read dose records", table: CardIssue.databaseTableName) { db in
            var out: [Data: [DoseRecordPeriod]] = [:]
            // Chunks within SQLite's bound-parameter limit; each chunk is one query over all its persons.
            for start in stride(from: 0, to: lookups.count, by: 400) {
                let chunk = Array(lookups[start..<min(start + 400, lookups.count)])
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                var personOf: [Int64: Data] = [:]
                var wearersOf: [Data: Set<Int64>] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, nationalIDLookup FROM wearer WHERE nationalIDLookup IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    let id: Int64 = row["id"], lookup: Data = row["nationalIDLookup"]
                    personOf[id] = lookup
                    wearersOf[lookup, default: []].insert(id)
                }
                let rows = try Row.fetchAll(db, sql: """
                    WITH me AS (SELECT id FROM wearer WHERE nationalIDLookup IN (\(marks))),
                    mine AS (
                        SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE e.wearerID IN me
                        UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN me
                        UNION SELECT e.handedOverFromIssueID FROM enrolment e WHERE e.wearerID IN me AND e.handedOverFromIssueID IS NOT NULL)
                    \(Self.doseRecordSelect)
                    WHERE i.id IN mine
                    ORDER BY i.periodEnd, i.periodStart, i.id
                    """, arguments: StatementArguments(chunk))
                let assigned = try Self.currentAssignedDoses(issueIDs: rows.map { $0["id"] }, in: db)
                for row in rows {
                    // The period is on the record of the card's owner and, if handed over, of the one who wore it.
                    let owner: Int64 = row["ownerID"]
                    let wornBy: Int64? = row["wornByID"]
                    var persons: [Data] = []
                    for id in [owner, wornBy].compactMap({ $0 }) {
                        if let person = personOf[id], !persons.contains(person) { persons.append(person) }
                    }
                    for person in persons {
                        out[person, default: []].append(Self.doseRecordPeriod(row: row, isMine: (wearersOf[person] ?? []).contains, assigned: assigned))
                    }
                }
            }
            return out
        }
    }

    public func releasers(customerID: String, from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [(who: String, doses: Int)] {
        try read("find who released doses", table: DoseResult.databaseTableName) { db in
            try Row.fetchAll(db, sql: """
                SELECT who, count(*) AS doses FROM (
                    SELECT (SELECT a.who FROM doseAudit a WHERE a.doseID = d.id AND a.state = 'released' ORDER BY a.id LIMIT 1) AS who
                    FROM cardIssue i
                    JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL AND d.state = 'released'
                    WHERE i.customerID = ? AND i.periodEnd >= ? AND i.periodEnd <= ?)
                WHERE who IS NOT NULL GROUP BY who ORDER BY doses DESC, who
                """, arguments: [customerID, from, to]).map { row -> (who: String, doses: Int) in (row["who"], row["doses"]) }
        }
    }
}
