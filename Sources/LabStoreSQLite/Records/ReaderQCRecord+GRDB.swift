import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of ReaderQCRecord: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension ReaderQCRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "readerQC"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = ID(rawValue: inserted.rowID)
    }

    /// The table's columns, for requests.
    public enum Columns {
        public static let batchID = Column("batchID")
        public static let takenAt = Column("takenAt")
    }
}
