import Foundation
import LabStore
import PostgresNIO

/// The dose records of many persons in one read, and who released a customer's doses, on PostgreSQL
/// (the SQLite twin: SQLiteLabStore+DoseRecordBatch.swift).
extension PostgresLabStore: DoseRecordBatchStore {
    public func doseRecords(nationalIDLookups: [Data]) throws(LabStoreError) -> [Data: [DoseRecordPeriod]] {
        let lookups = Array(Set(nationalIDLookups))
        guard !lookups.isEmpty else { return [:] }
        return try readDoseRecords("read dose records") { session in
            var out: [Data: [DoseRecordPeriod]] = [:]
            // Chunks of 400 persons, as SQLite's; each chunk is one query over all its persons.
            for start in stride(from: 0, to: lookups.count, by: 400) {
                let chunk = Array(lookups[start..<min(start + 400, lookups.count)])
                let marks = (1...chunk.count).map { "$\($0)" }.joined(separator: ",")
                var b = PostgresBindings()
                for lookup in chunk { try b.append(lookup) }
                var personOf: [Int64: Data] = [:]
                var wearersOf: [Data: Set<Int64>] = [:]
                for row in try session.query("SELECT id, nationalIDLookup FROM wearer WHERE nationalIDLookup IN (\(marks))", b) {
                    let (id, lookup) = try row.decode((Int64, Data).self)
                    personOf[id] = lookup
                    wearersOf[lookup, default: []].insert(id)
                }
                let rows = try session.query("""
                    \(Self.mineCTE(me: "SELECT id FROM wearer WHERE nationalIDLookup IN (\(marks))"))
                    \(Self.doseRecordSelect)
                    WHERE i.id IN (SELECT id FROM mine)
                    ORDER BY i.periodEnd, i.periodStart, i.id
                    """, b).map(DoseRecordRow.init)
                let assigned = try Self.currentAssignedDoses(issueIDs: rows.map(\.issueID), in: session)
                for row in rows {
                    // The period is on the record of the card's owner and, if handed over, of the one who wore it.
                    var persons: [Data] = []
                    for id in [row.ownerID, row.wornByID].compactMap({ $0 }) {
                        if let person = personOf[id], !persons.contains(person) { persons.append(person) }
                    }
                    for person in persons {
                        out[person, default: []].append(
                            Self.doseRecordPeriod(row: row, isMine: (wearersOf[person] ?? []).contains, assigned: assigned))
                    }
                }
            }
            return out
        }
    }

    public func releasers(customerID: String, from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [(who: String, doses: Int)] {
        try withSession("find who released doses") { session in
            var b = PostgresBindings()
            b.append(customerID); b.append(from.description); b.append(to.description)
            // Names ordered by code point, as SQLite's BINARY collation orders them.
            return try session.query("""
                SELECT who, count(*) AS doses FROM (
                    SELECT (SELECT a.who FROM doseAudit a WHERE a.doseID = d.id AND a.state = 'released' ORDER BY a.id LIMIT 1) AS who
                    FROM cardIssue i
                    JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL AND d.state = 'released'
                    WHERE i.customerID = $1 AND i.periodEnd >= $2::date AND i.periodEnd <= $3::date) released
                WHERE who IS NOT NULL GROUP BY who ORDER BY doses DESC, who COLLATE "C"
                """, b).map { row -> (who: String, doses: Int) in
                let (who, doses) = try row.decode((String, Int64).self)
                return (who, Int(doses))
            }
        }
    }
}
