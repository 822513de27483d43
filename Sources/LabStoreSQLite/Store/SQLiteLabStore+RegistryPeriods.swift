import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func registryPeriods(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryPeriod] {
        try read("read the periods of a registry export", table: CardIssue.databaseTableName) { db in
            let rows = try Row.fetchAll(db, sql: """
                \(Self.doseRecordSelect)
                WHERE i.periodEnd BETWEEN ? AND ?
                ORDER BY i.periodEnd, i.periodStart, i.id
                """, arguments: [from, to])
            let assigned = try Self.currentAssignedDoses(issueIDs: rows.map { $0["id"] }, in: db)
            var wearers: [Int64: Wearer] = [:]
            let ids = Array(Set(rows.compactMap(Self.wornByWearerID(row:))))
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                for w in try Wearer.fetchAll(db, keys: chunk) { if let id = w.id?.rawValue { wearers[id] = w } }
            }
            return rows.compactMap { row -> RegistryPeriod? in
                // The period is on the record of the wearer who wore the card, and of everyone with
                // their look-up hash (the same person at another customer).
                guard let wornBy = Self.wornByWearerID(row: row), let wearer = wearers[wornBy] else { return nil }
                let lookup = wearer.nationalIDLookup
                let period = Self.doseRecordPeriod(row: row, isMine: { wearers[$0]?.nationalIDLookup == lookup || $0 == wornBy }, assigned: assigned)
                return RegistryPeriod(period: period, wearer: wearers[period.wearerID.rawValue] ?? wearer)
            }
        }
    }

    public func registryRecords(exportID: Int64) throws(LabStoreError) -> [RegistryLogRecord] {
        try read("read the registry export log", table: "registryRecord") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM registryRecord WHERE exportID = ? ORDER BY id", arguments: [exportID]).map(Self.logRecord)
        }
    }

    public func registryCorrections(of ids: [Int64]) throws(LabStoreError) -> [Int64: Int64] {
        try read("read the registry export log", table: "registryRecord") { db in
            var out: [Int64: Int64] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = chunk.map { _ in "?" }.joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT id, correctsID FROM registryRecord WHERE correctsID IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    out[row["correctsID"]] = row["id"]
                }
            }
            return out
        }
    }
}
