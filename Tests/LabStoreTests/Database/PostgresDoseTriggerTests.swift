import Foundation
import PostgresNIO
import Testing
@testable import LabStore
@testable import LabStorePostgres

/// The PostgreSQL `v15-pgdose15` triggers refuse what SQLite's `v1-readout` triggers refuse
/// (ImmutabilityTriggerTests), even to SQL that bypasses the store; and TRUNCATE, which SQLite lacks.
@Suite("PostgreSQL schema: dose and calibration interlocks", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresDoseTriggerTests {
    /// A PostgreSQL store with a batch, card C-1 read and one dose in `state`.
    private func storeWithDose(state: DoseState) throws -> (StoreFixture, PostgresLabStore, DoseResult) {
        let fixture = try StoreBackend.postgres.makeFixture()
        let store = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger, now: fixture.clock.now)
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        var dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 12.5))
        if state != .evaluated { dose = try store.setDoseState(id: try #require(dose.id), to: state) }
        return (fixture, store, dose)
    }

    /// Runs raw SQL with `$1` bound to `id`; returns the store's error for it (nil when it passed).
    private func rawError(_ store: PostgresLabStore, _ sql: String, id: Int64? = nil) -> LabStoreError? {
        do {
            try store.withSession("test") { session in
                var b = PostgresBindings()
                if let id { b.append(id) }
                try session.execute(sql, b)
            }
            return nil
        } catch {
            return error
        }
    }

    @Test("a released dose cannot be updated", arguments: [
        "UPDATE doseResult SET hp10MilliSievert = 0.1 WHERE id = $1",
        "UPDATE doseResult SET hp007MilliSievert = NULL WHERE id = $1",
        "UPDATE doseResult SET flags = '[]', remarks = 'edited' WHERE id = $1",
        "UPDATE doseResult SET state = 'evaluated' WHERE id = $1",
        "UPDATE doseResult SET version = 9 WHERE id = $1",
    ])
    func releasedDoseUpdate(sql: String) throws {
        let (_, store, dose) = try storeWithDose(state: .released)
        let error = try #require(rawError(store, sql, id: dose.id?.rawValue))
        guard case .immutableRow = error else { Issue.record("not refused by a trigger: \(error)"); return }
        #expect(try store.doseHistory(card: "C-1") == [dose])
    }

    @Test("a released dose cannot be deleted or truncated")
    func releasedDoseDelete() throws {
        let (_, store, dose) = try storeWithDose(state: .released)
        #expect(rawError(store, "DELETE FROM doseResult WHERE id = $1", id: dose.id?.rawValue)
                == .immutableRow(message: "a released dose is never deleted"))
        // CASCADE: doseAudit, doseReviewReason, levelCase, doseLevelCheck refer to doseResult (v15-pgschema15-*);
        // doseResult's own trigger fires first, so the message is the dose's.
        #expect(rawError(store, "TRUNCATE doseResult CASCADE") == .immutableRow(message: "a released dose is never deleted"))
        #expect(try store.doseHistory(card: "C-1") == [dose])
    }

    @Test("dose values never change, released or not; the state may move")
    func unreleasedValuesImmutable() throws {
        let (_, store, dose) = try storeWithDose(state: .needsReview)
        #expect(rawError(store, "UPDATE doseResult SET hp10MilliSievert = 0 WHERE id = $1", id: dose.id?.rawValue)
                == .immutableRow(message: "dose values are immutable: add a new version"))
        #expect(rawError(store, "UPDATE doseResult SET flags = '[\"x\"]' WHERE id = $1", id: dose.id?.rawValue)
                == .immutableRow(message: "dose values are immutable: add a new version"))
        // Writing the same value is not a change, and state may move.
        #expect(rawError(store, "UPDATE doseResult SET hp10MilliSievert = 12.5, state = 'evaluated' WHERE id = $1",
                         id: dose.id?.rawValue) == nil)
        #expect(try store.currentDoses(batch: dose.batchID).map(\.state) == [.evaluated])
    }

    @Test("a superseded version is frozen")
    func supersededFrozen() throws {
        let (_, store, old) = try storeWithDose(state: .evaluated)
        _ = try store.saveDose(Samples.evaluation(batch: old.batchID, card: "C-1", hp10: 12.0))
        for sql in ["UPDATE doseResult SET supersededAt = NULL WHERE id = $1",
                    "UPDATE doseResult SET state = 'released' WHERE id = $1"] {
            #expect(rawError(store, sql, id: old.id?.rawValue) == .immutableRow(message: "a superseded dose version is immutable"), "\(sql)")
        }
    }

    @Test("two current versions of one card, a version 0 and flags that are not an array are refused")
    func constraints() throws {
        let (_, store, dose) = try storeWithDose(state: .evaluated)
        func insert(version: Int, flags: String) -> LabStoreError? {
            rawError(store, """
                INSERT INTO doseResult (batchID, cardID, version, hp10MilliSievert, flags, remarks, algorithmID, evaluatedAt, state)
                VALUES ($1, 'C-1', \(version), 1.0, '\(flags)', '', 'x', now(), 'evaluated')
                """, id: dose.batchID.rawValue)
        }
        for (version, flags) in [(2, "[]"), (0, "[]"), (3, "{}")] {
            let error = insert(version: version, flags: flags)
            guard case .constraintViolation = error else { Issue.record("version \(version), flags \(flags): \(String(describing: error))"); continue }
        }
        #expect(try store.doseHistory(card: "C-1") == [dose])
    }

    @Test("calibration records cannot be updated, deleted or truncated")
    func calibrationsImmutable() throws {
        let fixture = try StoreBackend.postgres.makeFixture()
        let store = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger, now: fixture.clock.now)
        let saved = try store.saveCalibration(CalibrationContractTests.factor(1.0, from: 0))
        let id = saved.id?.rawValue
        #expect(rawError(store, "UPDATE calibrationRecord SET value = 2 WHERE id = $1", id: id)
                == .immutableRow(message: "calibration records are immutable: add a new one"))
        #expect(rawError(store, "DELETE FROM calibrationRecord WHERE id = $1", id: id)
                == .immutableRow(message: "calibration records are never deleted"))
        #expect(rawError(store, "TRUNCATE calibrationRecord") == .immutableRow(message: "calibration records are never deleted"))
        #expect(try store.calibrations(kind: .readerCalibrationFactor, subject: CalibrationContractTests.reader) == [saved])
    }
}
