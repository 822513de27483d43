import Foundation
import LabStorePostgres
@testable import LabStore

extension StoreFixture {
    /// Opens the store (again) for the card cycle's role (``CardCycleStore``) alone, as the inspection,
    /// anneal and zeroing benches do: any backend of ``StoreBackend/labRecordRole`` (the lab-records
    /// role refines it, and a card needs the lab records to be issued and taken in first).
    func openCardCycle() throws -> any CardCycleStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}
