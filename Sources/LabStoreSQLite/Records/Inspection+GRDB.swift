import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of Inspection: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension InspectionOutcome: DatabaseValueConvertible {}

extension InspectionStage: DatabaseValueConvertible {}

extension CardInspection: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "cardInspection"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
