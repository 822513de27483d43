import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of CalibrationRecord: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension CalibrationRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "calibrationRecord"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = ID(rawValue: inserted.rowID)
    }

    /// The table's columns, for requests.
    public enum Columns {
        public static let id = Column("id")
        public static let kind = Column("kind")
        public static let subject = Column("subject")
        public static let validFrom = Column("validFrom")
        public static let createdAt = Column("createdAt")
    }
}
