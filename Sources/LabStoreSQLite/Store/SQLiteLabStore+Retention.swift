import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: RetentionStore {
    public func personRetention() throws(LabStoreError) -> [PersonRetention] {
        try read("read retention facts", table: Wearer.databaseTableName) { db in
            let wearers = try Row.fetchAll(db, sql: "SELECT id, customerID, name, birthDate, nationalIDLookup FROM wearer ORDER BY id")
            // Periods by the wearer who wore the card (handed-over cards count for the person who wore them).
            let periods = try Row.fetchAll(db, sql: """
                SELECT coalesce(i.handedOverToWearerID,
                           (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), e.wearerID) AS wearerID,
                       min(i.periodStart) AS first, max(i.periodEnd) AS last, count(*) AS n
                FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID GROUP BY 1
                """)
            var byWearer: [Int64: (first: CalendarDay?, last: CalendarDay?, n: Int)] = [:]
            for p in periods { byWearer[p["wearerID"]] = (p["first"], p["last"], p["n"]) }
            var people: [Data: PersonRetention] = [:]
            var order: [Data] = []
            for w in wearers {
                let lookup: Data = w["nationalIDLookup"]
                let id: Int64 = w["id"]
                let birth: CalendarDay? = w["birthDate"]
                let p = byWearer[id]
                if var person = people[lookup] {
                    person.wearers.append((Wearer.ID(rawValue: id), w["customerID"], w["name"]))
                    person.birthDate = person.birthDate ?? birth
                    person.firstPeriodStart = [person.firstPeriodStart, p?.first].compactMap { $0 }.min()
                    person.lastPeriodEnd = [person.lastPeriodEnd, p?.last].compactMap { $0 }.max()
                    person.periods += p?.n ?? 0
                    people[lookup] = person
                } else {
                    order.append(lookup)
                    people[lookup] = PersonRetention(
                        lookup: Array(lookup), wearers: [(Wearer.ID(rawValue: id), w["customerID"], w["name"])], birthDate: birth,
                        firstPeriodStart: p?.first, lastPeriodEnd: p?.last, periods: p?.n ?? 0)
                }
            }
            return order.compactMap { people[$0] }
        }
    }
}
