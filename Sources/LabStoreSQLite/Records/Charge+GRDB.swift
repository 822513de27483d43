import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Charge: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension ChargeKind: DatabaseValueConvertible {}

extension Charge: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "charge"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
