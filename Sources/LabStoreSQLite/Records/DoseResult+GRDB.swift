import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of DoseResult: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension DoseResult: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "doseResult"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = ID(rawValue: inserted.rowID)
    }

    /// The table's columns, for requests.
    public enum Columns {
        public static let id = Column("id")
        public static let batchID = Column("batchID")
        public static let cardID = Column("cardID")
        public static let version = Column("version")
        public static let supersededAt = Column("supersededAt")
        public static let state = Column("state")
        public static let evaluatedAt = Column("evaluatedAt")
    }
}
