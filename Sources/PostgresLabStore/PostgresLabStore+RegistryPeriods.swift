import Foundation
import LabStore
import PostgresNIO

/// The periods of a registry export and the records of the log on PostgreSQL (the SQLite twin:
/// SQLiteLabStore+RegistryPeriods.swift).
extension PostgresLabStore {
    public func registryPeriods(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryPeriod] {
        try readDoseRecords("read the periods of a registry export") { session in
            var b = PostgresBindings()
            b.append(from.description); b.append(to.description)
            let rows = try session.query("""
                \(Self.doseRecordSelect)
                WHERE i.periodEnd BETWEEN $1::date AND $2::date
                ORDER BY i.periodEnd, i.periodStart, i.id
                """, b).map(DoseRecordRow.init)
            let assigned = try Self.currentAssignedDoses(issueIDs: rows.map(\.issueID), in: session)
            var wearers: [Int64: Wearer] = [:]
            var ids = PostgresBindings()
            ids.append(Array(Set(rows.compactMap(\.wornByWearerID))))
            for w in try session.query("SELECT \(Self.wearerColumns) FROM wearer WHERE id = ANY($1)", ids).map(Self.decodeWearer) {
                if let id = w.id?.rawValue { wearers[id] = w }
            }
            return rows.compactMap { row -> RegistryPeriod? in
                // The period is on the record of the wearer who wore the card, and of everyone with
                // their look-up hash (the same person at another customer).
                guard let wornBy = row.wornByWearerID, let wearer = wearers[wornBy] else { return nil }
                let lookup = wearer.nationalIDLookup
                let period = Self.doseRecordPeriod(
                    row: row, isMine: { wearers[$0]?.nationalIDLookup == lookup || $0 == wornBy }, assigned: assigned)
                return RegistryPeriod(period: period, wearer: wearers[period.wearerID.rawValue] ?? wearer)
            }
        }
    }

    public func registryRecords(exportID: Int64) throws(LabStoreError) -> [RegistryLogRecord] {
        try withSession("read the registry export log") { session in
            var b = PostgresBindings()
            b.append(exportID)
            return try session.query("SELECT \(Self.registryRecordColumns) FROM registryRecord WHERE exportID = $1 ORDER BY id", b)
                .map(Self.decodeLogRecord)
        }
    }

    public func registryCorrections(of ids: [Int64]) throws(LabStoreError) -> [Int64: Int64] {
        guard !ids.isEmpty else { return [:] }
        return try withSession("read the registry export log") { session in
            var b = PostgresBindings()
            b.append(ids)
            var out: [Int64: Int64] = [:]
            for row in try session.query("SELECT id, correctsID FROM registryRecord WHERE correctsID = ANY($1)", b) {
                let (id, corrects) = try row.decode((Int64, Int64).self)
                out[corrects] = id
            }
            return out
        }
    }
}
