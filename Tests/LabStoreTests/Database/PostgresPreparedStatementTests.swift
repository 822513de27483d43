import Foundation
import Testing
@testable import LabStore
@testable import LabStorePostgres

/// The readout's insert is a prepared statement of the connection (`PostgresPreparedStatements`):
/// prepared once, made again on a new connection, and its errors mapped as the unnamed path's are.
@Suite("PostgreSQL: the readout's prepared insert", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresPreparedStatementTests {
    func open() throws -> (StoreFixture, PostgresLabStore) {
        let fixture = try StoreBackend.postgres.makeFixture()
        let url = try #require(fixture.postgresURL)
        return (fixture, try PostgresLabStore.open(url: url, logger: StoreFixture.logger, now: fixture.clock.now))
    }

    /// The prepared statements of the store's current connection, by their SQL.
    func preparedStatements(_ store: PostgresLabStore) throws -> [String] {
        try store.withSession("test") { session in
            try session.query("SELECT statement FROM pg_prepared_statements").map { try $0.decode(String.self) }
        }
    }

    @Test("prepared on the first curve and reused; after the connection is replaced, prepared again and still storing")
    func preparedOncePerConnection() throws {
        let (_, store) = try open()
        let batchID = try #require(try store.openSampleBatch().id)
        #expect(try preparedStatements(store).isEmpty)
        for element in 1...3 {
            #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: element, readAt: Samples.readAt,
                                               curve: Samples.curve(channels: 200, seed: UInt32(element))) == .saved)
        }
        #expect(try preparedStatements(store) == [PostgresLabStore.saveCurveSQL])

        store.close()  // the next call opens a new connection, which has no prepared statement yet
        #expect(try preparedStatements(store).isEmpty)
        #expect(try store.saveReadoutCurve(batch: batchID, card: "C-1", element: 4, readAt: Samples.readAt,
                                           curve: Samples.curve(channels: 200, seed: 4)) == .saved)
        #expect(try preparedStatements(store) == [PostgresLabStore.saveCurveSQL])
        #expect(try store.readings(batch: batchID).map(\.element) == [1, 2, 3, 4])
    }

    @Test("a prepared statement's server error is mapped by its SQLSTATE, as an unnamed statement's is")
    func errorsMapped() throws {
        let (_, store) = try open()
        let batchID = try #require(try store.openSampleBatch().id)
        // element 9 breaks elementReading's CHECK (23514): a constraint violation.
        let insert = "INSERT INTO elementReading (batchID, cardID, element, status, readAt) VALUES ($1::bigint, 'C-9', 9, 'absent', now())"
        #expect {
            try store.withSession("prepared insert") { session in _ = try session.queryPrepared(insert, [.bound(batchID.rawValue)]) }
        } throws: { error in
            guard case let .constraintViolation(operation, _)? = error as? LabStoreError else { return false }
            return operation == "prepared insert"
        }
        #expect(try store.readings(batch: batchID).isEmpty)
    }
}
