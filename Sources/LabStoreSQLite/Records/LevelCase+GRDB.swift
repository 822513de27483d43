import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of LevelCase: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension LevelCase: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "levelCase"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
