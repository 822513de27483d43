import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of AssignedDose: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension AssignedDose: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "assignedDose"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension AssignedDose.Method: DatabaseValueConvertible {}

extension AssignedDose.Reason: DatabaseValueConvertible {}
