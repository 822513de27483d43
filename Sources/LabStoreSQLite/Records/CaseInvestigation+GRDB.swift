import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of CaseInvestigation: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension CaseInvestigation: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "caseInvestigation"
}
