import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Shipment: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension Shipment: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "shipment"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension CustomerReturn: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "customerReturn"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension ReturnScan: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "returnScan"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}

extension CardPrice: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cardPrice"
}
