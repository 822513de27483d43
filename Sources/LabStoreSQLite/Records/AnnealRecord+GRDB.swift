import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of AnnealRecord: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension AnnealMethod: DatabaseValueConvertible {}

extension AnnealRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "annealRecord"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension AnnealCheck: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "annealCheck"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
