import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of CardRetirement: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension CardRetirement: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "cardRetirement"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
