import Foundation
import LabStore
import PostgresNIO

/// How current a customer's enrolment overview is, on PostgreSQL (``PortalOverviewStore``): the
/// counter the `enrolment` and `wearer` triggers of PostgresPortalMigration.swift raise in the same
/// transaction as the change, from any program or bench.
extension PostgresLabStore: PortalOverviewStore {
    public func overviewVersion(customerID: String) throws(LabStoreError) -> Int64 {
        try withSession("read overview version") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("SELECT version FROM portalOverviewVersion WHERE customerID = $1", b).first?.decode(Int64.self) ?? 0
        }
    }
}
