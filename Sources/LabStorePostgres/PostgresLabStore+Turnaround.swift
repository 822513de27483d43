import Foundation
import LabStore
import PostgresNIO

/// Results turnaround (``ResultTurnaroundStore``) on PostgreSQL: every issue of a range of period ends
/// with its arrival and release times, in one read (the SQLite twin: SQLiteLabStore+Turnaround.swift,
/// the same rows in the same order).
extension PostgresLabStore: ResultTurnaroundStore {
    public func resultTimings(periodEndFrom from: CalendarDay, to: CalendarDay, customerID: String?) throws(LabStoreError) -> [ResultTiming] {
        try withSession("read result times") { session in
            var b = PostgresBindings()
            b.append(from.description); b.append(to.description); b.append(customerID)
            return try session.query("""
                SELECT i.id, i.customerID, i.cardID, e.number, w.name, to_char(i.periodEnd, 'YYYY-MM-DD'), to_char(i.arrivedOn, 'YYYY-MM-DD'),
                       (SELECT max(a.at) FROM doseResult d JOIN doseAudit a ON a.doseID = d.id AND a.state = 'released'
                        WHERE d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL AND d.state = 'released'),
                       EXISTS (SELECT 1 FROM cardInspection c WHERE c.cardID = i.cardID AND c.issueID = i.id
                               AND c.stage = 'arrival' AND c.outcome = 'retire')
                FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID JOIN wearer w ON w.id = e.wearerID
                WHERE i.periodEnd BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR i.customerID = $3::text)
                ORDER BY i.periodEnd, i.customerID COLLATE "C", i.id
                """, b).map { row in
                let (id, customer, cardID, number, name, end, arrived, releasedAt, retired) =
                    try row.decode((Int64, String, String, String, String, String, String?, Date?, Bool).self)
                guard let periodEnd = try Self.day(end, table: "cardIssue") else {
                    throw LabStoreError.corruptRow(table: "cardIssue", reason: "issue \(id) without its period end")
                }
                return ResultTiming(
                    issueID: CardIssue.ID(rawValue: id), customerID: customer, cardID: cardID, enrolmentNumber: number, wearerName: name,
                    periodEnd: periodEnd, arrivedOn: try Self.day(arrived, table: "cardIssue"), releasedAt: releasedAt,
                    retiredOnArrival: retired)
            }
        }
    }
}
