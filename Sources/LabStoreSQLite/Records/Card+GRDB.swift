import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Card: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension Card: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "card"
}

extension CardElement: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cardElement"
}
