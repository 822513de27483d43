import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of BatchCard: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension BatchCard.Role: DatabaseValueConvertible {}

extension BatchCard: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "batchCard"
}
