import Foundation
import LabStorePostgres
@testable import LabStore

extension StoreBackend {
    /// The backends of the dispatch role (``DispatchStore``, ``DayDispatchStore``: price lists,
    /// shipments with their charges, the charges ledger): PostgreSQL implements it too since issue 15.
    static var dispatchRole: [StoreBackend] { readoutRole }
}

extension StoreFixture {
    /// Opens the store (again) for the dispatch role: any backend.
    func openDispatch() throws -> any DayDispatchStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}
