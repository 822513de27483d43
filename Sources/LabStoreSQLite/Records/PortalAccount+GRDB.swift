import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of PortalAccount: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension PortalAccount: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "portalAccount"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
