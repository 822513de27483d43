import Foundation
import LabStore
import PostgresNIO

// The person of a dose and a person's running Hp(10) for the level checks on PostgreSQL, on the
// person dose record (``DoseRecordStore``, docs/dose-records.md), rule for rule as the SQLite twin
// (SQLiteLabStore+CaseSums.swift): a period counts in the quarter and year in which it ends; a card
// handed over counts for the person who wore it; below the detection limit counts 0; assigned doses
// count; the person's Hp(10) is whole-body + neutron.
extension PostgresLabStore {
    public func dosePerson(dose: DoseResult.ID) throws(LabStoreError) -> DosePerson? {
        let found = try withSession("find the issue of a dose") { session -> (CardIssue.ID, DosimeterType, CalendarDay, CalendarDay, String)? in
            var b = PostgresBindings()
            b.append(dose.rawValue)
            guard let row = try session.query("""
                SELECT i.id, e.dosimeterType, to_char(i.periodStart, 'YYYY-MM-DD'), to_char(i.periodEnd, 'YYYY-MM-DD'), i.customerID
                FROM doseResult d
                JOIN cardIssue i ON i.batchID = d.batchID AND i.cardID = d.cardID
                JOIN enrolment e ON e.id = i.enrolmentID
                WHERE d.id = $1 ORDER BY i.id DESC LIMIT 1
                """, b).first else { return nil }
            let (issueID, typeText, startText, endText, customerID) = try row.decode((Int64, String, String, String, String).self)
            guard let type = DosimeterType(rawValue: typeText), let start = try Self.day(startText, table: "cardIssue"),
                  let end = try Self.day(endText, table: "cardIssue") else { return nil }
            return (CardIssue.ID(rawValue: issueID), type, start, end, customerID)
        }
        guard let (issueID, type, start, end, customerID) = found, let wearer = try wornBy(issueID: issueID), let wearerID = wearer.id else { return nil }
        return DosePerson(personLookup: wearer.nationalIDLookup, wearerID: wearerID, wearerName: wearer.name, customerID: customerID,
                          issueID: issueID, periodStart: start, periodEnd: end, dosimeterType: type)
    }

    public func personHp10Sum(personLookup: Data, from: CalendarDay, through: CalendarDay, including: DoseResult.ID?) throws(LabStoreError) -> Double {
        let periods = try doseRecord(nationalIDLookup: personLookup)
        var sum = DoseRecordSums.personalHp10(periods, from: from, through: through)
        // The dose being checked, when it is not released yet (the record counts it as pending, 0).
        if let including, let dose = try self.dose(id: including), dose.isCurrent, dose.state != .released,
           let person = try dosePerson(dose: including), person.periodEnd >= from, person.periodEnd <= through,
           person.dosimeterType == .wholeBody || person.dosimeterType == .neutron,
           let hp10 = dose.hp10MilliSievert, hp10 >= (dose.detectionLimitMilliSievert ?? 0),
           periods.contains(where: { $0.issueID == person.issueID && $0.status == .pending }) {
            sum += hp10
        }
        return sum
    }
}
