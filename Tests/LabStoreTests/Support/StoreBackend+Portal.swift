import Foundation
import LabStorePostgres
@testable import LabStore

/// Every role the customer portal uses (`tld serve`, `tld account`): its own five with the lab records
/// and master data.
typealias PortalRoleStore = LabRecordStore & MasterDataStore & PortalStore & PortalAgreementStore
    & PortalWearerAccessStore & PortalSessionStore & PortalOverviewStore

extension StoreBackend {
    /// The backends of the portal's roles (PortalContractTests): PostgreSQL implements them too since
    /// issue 16.
    static var portalRole: [StoreBackend] { readoutRole }
}

extension StoreFixture {
    /// Opens the store (again) for the portal's roles: any backend.
    func openPortal() throws -> any PortalRoleStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}
