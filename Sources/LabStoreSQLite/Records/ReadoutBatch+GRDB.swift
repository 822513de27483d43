import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of ReadoutBatch: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension ReadoutBatch.State: DatabaseValueConvertible {}

extension ReadoutBatch: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "readoutBatch"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = ID(rawValue: inserted.rowID)
    }

    /// The table's columns, for requests.
    public enum Columns {
        public static let id = Column("id")
        public static let source = Column("source")
        public static let state = Column("state")
        public static let createdAt = Column("createdAt")
    }
}
