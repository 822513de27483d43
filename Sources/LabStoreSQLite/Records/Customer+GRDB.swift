import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Customer: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension Customer: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customer"
}
