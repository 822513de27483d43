import Foundation
import Testing
@testable import LabStore
@testable import LabStorePostgres

/// `tld db copy`'s store part for the dose and calibration tables: a SQLite lab's rows (flags as JSON
/// text, times as GRDB text, released and superseded versions) into PostgreSQL, read back equal
/// through the store, with the dose audit trail (end to end: DbCopyEndToEndTests).
@Suite("PostgreSQL copy-in: doses and calibrations", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresDoseCopyTests {
    @Test("every dose version and calibration record comes back equal; the copied tables keep their interlocks")
    func copyDoses() throws {
        let source = try StoreFixture(backend: .sqliteFile).openSQLite()
        let batchID = try #require(try source.openSampleBatch().id)
        try source.storeCard("C-1", batch: batchID)
        try source.storeCard("C-2", batch: batchID)
        let v1 = try source.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.25, flags: ["glow-spike", "Å-ø"]))
        _ = try source.setDoseState(id: try #require(v1.id), to: .released)
        _ = try source.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.2, hp007: nil))
        _ = try source.saveDose(Samples.evaluation(batch: batchID, card: "C-2", hp10: 0.1 + 0.2))
        _ = try source.saveCalibration(CalibrationContractTests.factor(1.0 / 3, from: 0))
        _ = try source.saveCalibration(CalibrationContractTests.factor(2.5, from: 86_400))

        let fixture = try StoreBackend.postgres.makeFixture()
        let target = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger, now: fixture.clock.now)
        try target.copyLab(from: source, tables: try source.tableNames(), referenceTables: ["cardtransition"])

        for card in ["C-1", "C-2"] {
            #expect(try target.doseHistory(card: card) == source.doseHistory(card: card), "\(card)")
            #expect(try target.doseAudit(cardID: card) == source.doseAudit(cardID: card), "\(card)")
        }
        #expect(try target.doseAudit(cardID: "C-1").map(\.action) == [.evaluated, .stateChanged, .evaluated])
        #expect(try target.currentDoses(batch: batchID) == source.currentDoses(batch: batchID))
        let reader = CalibrationContractTests.reader
        #expect(try target.calibrations(kind: .readerCalibrationFactor, subject: reader)
                == source.calibrations(kind: .readerCalibrationFactor, subject: reader))
        #expect(try target.counts() == source.counts())
        // The released version is still protected, and the next version is numbered after the copied ones.
        #expect(throws: LabStoreError.releasedDoseIsImmutable(try #require(v1.id))) {
            try target.setDoseState(id: try #require(v1.id), to: .needsReview)
        }
        let next = try target.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.1))
        #expect(next.version == 3)
        #expect((next.id?.rawValue ?? 0) > 3)
    }
}
