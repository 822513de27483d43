import Foundation
import GRDB

// FALLBACK (cases branch): the person of a dose and a person's Hp(10) sum, written by the cases
// engineer for the level checks because the person-dose-record API of the `records` branch was not
// there yet. When that API lands, the coordinator may replace the bodies below by calls to it; the
// level checks use only these two methods (CaseStore.dosePerson, CaseStore.personHp10Sum).
//
// Conventions (docs/levels-and-cases.md): a dose belongs to the calendar quarter and year in which its
// wear period ends; a card handed over belongs to the person who wore it (the enrolment made from the
// handover, Enrolment.handedOverFromIssueID); a rejected dose (no Hp(10)) adds nothing; a dose below
// the detection limit adds its stored value.
extension SQLiteLabStore {
    public func dosePerson(dose: DoseResult.ID) throws(LabStoreError) -> DosePerson? {
        try read("find the person of a dose", table: DoseResult.databaseTableName) { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT w.nationalIDLookup AS lookup, w.id AS wearerID, w.name AS name, i.customerID AS customerID,
                       i.id AS issueID, i.periodStart AS periodStart, i.periodEnd AS periodEnd, e.dosimeterType AS type
                FROM doseResult d
                JOIN cardIssue i ON i.batchID = d.batchID AND i.cardID = d.cardID
                JOIN enrolment e ON e.id = coalesce(
                    (SELECT h.id FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), i.enrolmentID)
                JOIN wearer w ON w.id = e.wearerID
                WHERE d.id = ?
                ORDER BY i.id DESC LIMIT 1
                """, arguments: [dose]) else { return nil }
            guard let start = CalendarDay.fromDatabaseValue(row["periodStart"]),
                  let end = CalendarDay.fromDatabaseValue(row["periodEnd"]),
                  let type = DosimeterType.fromDatabaseValue(row["type"]) else { return nil }
            return DosePerson(
                personLookup: row["lookup"], wearerID: Wearer.ID(rawValue: row["wearerID"]), wearerName: row["name"],
                customerID: row["customerID"], issueID: CardIssue.ID(rawValue: row["issueID"]),
                periodStart: start, periodEnd: end, dosimeterType: type)
        }
    }

    public func personHp10Sum(personLookup: Data, from: CalendarDay, through: CalendarDay, including: DoseResult.ID?) throws(LabStoreError) -> Double {
        try read("sum a person's doses", table: DoseResult.databaseTableName) { db in
            try Double.fetchOne(db, sql: """
                SELECT coalesce(sum(coalesce(d.hp10MilliSievert, 0)), 0)
                FROM doseResult d
                JOIN cardIssue i ON i.batchID = d.batchID AND i.cardID = d.cardID
                JOIN enrolment e ON e.id = coalesce(
                    (SELECT h.id FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), i.enrolmentID)
                JOIN wearer w ON w.id = e.wearerID
                WHERE w.nationalIDLookup = ? AND e.dosimeterType <> ? AND d.supersededAt IS NULL
                  AND (d.state = ? OR d.id = ?) AND i.periodEnd >= ? AND i.periodEnd <= ?
                """, arguments: [personLookup, DosimeterType.finger, DoseState.released, including?.rawValue, from, through]) ?? 0
        }
    }
}
