import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: PortalOverviewStore {
    public func overviewVersion(customerID: String) throws(LabStoreError) -> Int64 {
        try read("read overview version") { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM portalOverviewVersion WHERE customerID = ?", arguments: [customerID]) ?? 0
        }
    }
}
