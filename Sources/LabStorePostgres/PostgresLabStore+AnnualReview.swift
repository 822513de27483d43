import Foundation
import LabStore
import PostgresNIO

/// What a customer's annual review reads, as set queries, on PostgreSQL (``AnnualReviewStore``; the
/// SQLite twin is SQLiteLabStore+AnnualReview.swift: the same periods, persons and inspections).
extension PostgresLabStore: AnnualReviewStore {
    public func doseRecords(wearersOf customerID: String, periodEndFrom from: CalendarDay, through: CalendarDay) throws(LabStoreError) -> [Data: [DoseRecordPeriod]] {
        // One snapshot for the persons, their periods and the assigned doses (SQLite's one read transaction).
        try readDoseRecords("read the dose records of a customer's wearers") { session in
            // Every wearer row of every person who is a wearer of the customer (the same person at other customers too).
            let me = "SELECT id FROM wearer WHERE nationalIDLookup IN (SELECT nationalIDLookup FROM wearer WHERE customerID = $1)"
            var customer = PostgresBindings()
            customer.append(customerID)
            var personOf: [Int64: Data] = [:]
            var wearersOf: [Data: Set<Int64>] = [:]
            for row in try session.query("SELECT id, nationalIDLookup FROM wearer WHERE id IN (\(me))", customer) {
                let (id, lookup) = try row.decode((Int64, Data).self)
                personOf[id] = lookup
                wearersOf[lookup, default: []].insert(id)
            }
            guard !personOf.isEmpty else { return [:] }
            // Enrolments made by a handover: their wearer's record holds the handed-over card's period
            // (as the per-person query's third branch has it), even when another enrolment wore it.
            var handoverWearers: [Int64: [Int64]] = [:]
            for row in try session.query("""
                SELECT handedOverFromIssueID, wearerID FROM enrolment
                WHERE handedOverFromIssueID IS NOT NULL AND wearerID IN (\(me)) ORDER BY id
                """, customer) {
                let (issue, wearer) = try row.decode((Int64, Int64).self)
                handoverWearers[issue, default: []].append(wearer)
            }
            // The same periods as the per-person query (PostgresLabStore+DoseRecords.swift), for all persons at once.
            var b = customer
            b.append(from.description); b.append(through.description)
            let rows = try session.query("""
                WITH me AS (\(me)),
                mine AS (
                    SELECT i.id FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
                        WHERE e.wearerID IN (SELECT id FROM me) AND i.periodEnd BETWEEN $2::date AND $3::date
                    UNION SELECT i.id FROM cardIssue i WHERE i.handedOverToWearerID IN (SELECT id FROM me)
                    UNION SELECT e.handedOverFromIssueID FROM enrolment e
                        WHERE e.wearerID IN (SELECT id FROM me) AND e.handedOverFromIssueID IS NOT NULL)
                \(Self.doseRecordSelect)
                WHERE i.id IN (SELECT id FROM mine) AND i.periodEnd BETWEEN $2::date AND $3::date
                ORDER BY i.periodEnd, i.periodStart, i.id
                """, b).map(DoseRecordRow.init)
            let assigned = try Self.currentAssignedDoses(issueIDs: rows.map(\.issueID), in: session)
            var out: [Data: [DoseRecordPeriod]] = [:]
            for row in rows {
                var persons: [Data] = []
                for id in [row.ownerID, row.wornByID].compactMap({ $0 }) + (handoverWearers[row.issueID] ?? []) {
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
        try withSession("list a customer's arrival inspections") { session in
            var b = PostgresBindings()
            b.append(customerID); b.append(from.description); b.append(through.description)
            let rows = try session.query("""
                SELECT n.id, n.cardID, n.issueID, n.stage, n.outcome, n.damages::text, n.remark, n.inspectedBy, n.inspectedAt
                FROM cardIssue i JOIN cardInspection n ON n.issueID = i.id
                WHERE i.customerID = $1 AND i.periodEnd BETWEEN $2::date AND $3::date AND n.stage = 'arrival' ORDER BY n.id
                """, b).map(Self.decodeInspection)
            var out: [CardIssue.ID: CardInspection] = [:]
            for r in rows { if let issue = r.issueID { out[issue] = r } }
            return out
        }
    }
}
