import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: ResultTurnaroundStore {
    public func resultTimings(periodEndFrom from: CalendarDay, to: CalendarDay, customerID: String?) throws(LabStoreError) -> [ResultTiming] {
        try read("read result times", table: CardIssue.databaseTableName) { db in
            try Row.fetchAll(db, sql: """
                SELECT i.id, i.customerID, i.cardID, e.number, w.name, i.periodEnd, i.arrivedOn,
                       (SELECT max(a.at) FROM doseResult d JOIN doseAudit a ON a.doseID = d.id AND a.state = 'released'
                        WHERE d.batchID = i.batchID AND d.cardID = i.cardID AND d.supersededAt IS NULL AND d.state = 'released') AS releasedAt,
                       EXISTS (SELECT 1 FROM cardInspection c WHERE c.cardID = i.cardID AND c.issueID = i.id AND c.stage = 'arrival' AND c.outcome = 'retire') AS retired
                FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID JOIN wearer w ON w.id = e.wearerID
                WHERE i.periodEnd BETWEEN ?1 AND ?2 AND (?3 IS NULL OR i.customerID = ?3)
                ORDER BY i.periodEnd, i.customerID, i.id
                """, arguments: [from, to, customerID]).map { row in
                ResultTiming(
                    issueID: CardIssue.ID(rawValue: row["id"]), customerID: row["customerID"], cardID: row["cardID"],
                    enrolmentNumber: row["number"], wearerName: row["name"], periodEnd: row["periodEnd"], arrivedOn: row["arrivedOn"],
                    releasedAt: row["releasedAt"], retiredOnArrival: row["retired"])
            }
        }
    }
}
