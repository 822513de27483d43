import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of PortalAuditEntry: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension PortalAuditEntry: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "portalAudit"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension PortalOutboxMessage: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "portalOutbox"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
