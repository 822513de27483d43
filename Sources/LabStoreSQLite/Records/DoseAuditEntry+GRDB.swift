import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of DoseAuditEntry: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension DoseAuditEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "doseAudit"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension DoseAuditEntry.Action: DatabaseValueConvertible {}
