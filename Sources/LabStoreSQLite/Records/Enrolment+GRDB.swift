import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Enrolment: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension Enrolment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "enrolment"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
