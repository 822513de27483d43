import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of CompensationPrice: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension CompensationPrice: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "compensationPrice"
}
