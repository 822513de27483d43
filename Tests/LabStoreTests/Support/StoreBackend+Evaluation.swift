import Foundation
import LabStorePostgres
@testable import LabStore

extension StoreBackend {
    /// The backends of the evaluation role (``EvaluationStore``) and results turnaround
    /// (``ResultTurnaroundStore``): PostgreSQL implements them too since issue 15.
    static var evaluationRole: [StoreBackend] { readoutRole }
}

extension StoreFixture {
    /// Opens the store (again) for the evaluation role's contract: any backend.
    func openEvaluation() throws -> any EvaluationStore & ResultTurnaroundStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}
