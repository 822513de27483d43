import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of RecordID: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension RecordID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Self? {
        Int64.fromDatabaseValue(dbValue).map(Self.init(rawValue:))
    }
}
