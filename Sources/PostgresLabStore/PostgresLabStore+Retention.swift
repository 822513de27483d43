import Foundation
import LabStore
import PostgresNIO

/// Retention facts on PostgreSQL (the SQLite twin: SQLiteLabStore+Retention.swift): the same
/// grouping by look-up hash, in wearer order.
extension PostgresLabStore: RetentionStore {
    public func personRetention() throws(LabStoreError) -> [PersonRetention] {
        try readDoseRecords("read retention facts") { session in
            let wearers = try session.query("""
                SELECT id, customerID, name, to_char(birthDate, 'YYYY-MM-DD'), nationalIDLookup FROM wearer ORDER BY id
                """)
            // Periods by the wearer who wore the card (handed-over cards count for the person who wore them).
            let periods = try session.query("""
                SELECT coalesce(i.handedOverToWearerID,
                           (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), e.wearerID) AS wearerID,
                       to_char(min(i.periodStart), 'YYYY-MM-DD'), to_char(max(i.periodEnd), 'YYYY-MM-DD'), count(*)
                FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID GROUP BY 1
                """)
            var byWearer: [Int64: (first: CalendarDay?, last: CalendarDay?, n: Int)] = [:]
            for p in periods {
                let (id, first, last, n) = try p.decode((Int64, String?, String?, Int64).self)
                byWearer[id] = (try Self.day(first, table: "cardIssue"), try Self.day(last, table: "cardIssue"), Int(n))
            }
            var people: [Data: PersonRetention] = [:]
            var order: [Data] = []
            for w in wearers {
                let (id, customerID, name, birthText, lookup) = try w.decode((Int64, String, String, String?, Data).self)
                let birth = try Self.day(birthText, table: "wearer")
                let p = byWearer[id]
                if var person = people[lookup] {
                    person.wearers.append((Wearer.ID(rawValue: id), customerID, name))
                    person.birthDate = person.birthDate ?? birth
                    person.firstPeriodStart = [person.firstPeriodStart, p?.first].compactMap { $0 }.min()
                    person.lastPeriodEnd = [person.lastPeriodEnd, p?.last].compactMap { $0 }.max()
                    person.periods += p?.n ?? 0
                    people[lookup] = person
                } else {
                    order.append(lookup)
                    people[lookup] = PersonRetention(
                        lookup: Array(lookup), wearers: [(Wearer.ID(rawValue: id), customerID, name)], birthDate: birth,
                        firstPeriodStart: p?.first, lastPeriodEnd: p?.last, periods: p?.n ?? 0)
                }
            }
            return order.compactMap { people[$0] }
        }
    }
}
