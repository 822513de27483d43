import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// The database itself refuses what must never happen, even to SQL that bypasses the store.
@Suite("SQLite database: triggers and CHECK constraints")
struct ImmutabilityTriggerTests {
    /// A file store with a batch, card C-1 read and one dose.
    private func storeWithDose(state: DoseState) throws -> (StoreFixture, SQLiteLabStore, DoseResult) {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        var dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 12.5))
        if state != .evaluated { dose = try store.setDoseState(id: try #require(dose.id), to: state) }
        return (fixture, store, dose)
    }

    /// Runs raw SQL and returns the SQLite error it raised.
    private func rawError(_ store: SQLiteLabStore, _ sql: String, _ arguments: StatementArguments = []) -> DatabaseError? {
        do {
            try store.database.writer.write { db in try db.execute(sql: sql, arguments: arguments) }
            return nil
        } catch let error as DatabaseError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("a released dose cannot be updated", arguments: [
        "UPDATE doseResult SET hp10MilliSievert = 0.1 WHERE id = ?",
        "UPDATE doseResult SET hp007MilliSievert = NULL WHERE id = ?",
        "UPDATE doseResult SET flags = '[]', remarks = 'edited' WHERE id = ?",
        "UPDATE doseResult SET state = 'evaluated' WHERE id = ?",
        "UPDATE doseResult SET version = 9 WHERE id = ?",
    ])
    func releasedDoseUpdate(sql: String) throws {
        let (_, store, dose) = try storeWithDose(state: .released)
        let error = try #require(rawError(store, sql, [dose.id]))
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(LabStoreError.wrapping(error, operation: "test") == .immutableRow(message: error.message ?? ""))
        #expect(try store.doseHistory(card: "C-1") == [dose])
    }

    @Test("a released dose cannot be deleted")
    func releasedDoseDelete() throws {
        let (_, store, dose) = try storeWithDose(state: .released)
        let error = try #require(rawError(store, "DELETE FROM doseResult WHERE id = ?", [dose.id]))
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(error.message == "a released dose is never deleted")
        #expect(try store.doseHistory(card: "C-1") == [dose])
    }

    @Test("dose values never change, released or not")
    func unreleasedValuesImmutable() throws {
        let (_, store, dose) = try storeWithDose(state: .needsReview)
        let error = try #require(rawError(store, "UPDATE doseResult SET hp10MilliSievert = 0 WHERE id = ?", [dose.id]))
        #expect(error.message == "dose values are immutable: add a new version")
        // Writing the same value is not a change, and state may move.
        #expect(rawError(store, "UPDATE doseResult SET hp10MilliSievert = 12.5, state = 'evaluated' WHERE id = ?",
                         [dose.id]) == nil)
    }

    @Test("a superseded version is frozen")
    func supersededFrozen() throws {
        let (_, store, old) = try storeWithDose(state: .evaluated)
        _ = try store.saveDose(Samples.evaluation(batch: old.batchID, card: "C-1", hp10: 12.0))
        for sql in ["UPDATE doseResult SET supersededAt = NULL WHERE id = ?",
                    "UPDATE doseResult SET state = 'released' WHERE id = ?"] {
            let error = try #require(rawError(store, sql, [old.id]))
            #expect(error.message == "a superseded dose version is immutable")
        }
    }

    @Test("two current versions of one card are impossible")
    func oneCurrentVersion() throws {
        let (_, store, dose) = try storeWithDose(state: .evaluated)
        let error = try #require(rawError(store, """
            INSERT INTO doseResult (batchID, cardID, version, hp10MilliSievert, flags, remarks, algorithmID,
                                    evaluatedAt, state)
            VALUES (?, 'C-1', 2, 1.0, '[]', '', 'x', '2026-11-17 00:00:00.000', 'evaluated')
            """, [dose.batchID]))
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
    }

    @Test("element readings cannot be updated or deleted")
    func readingsImmutable() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        let saved = try store.saveElementReading(Samples.storedReading(batch: batchID, card: "C-1", element: 1))
        let update = try #require(rawError(store, "UPDATE elementReading SET cardID = 'C-2' WHERE id = ?", [saved.id]))
        #expect(update.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        let delete = try #require(rawError(store, "DELETE FROM elementReading WHERE id = ?", [saved.id]))
        #expect(delete.extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(try store.readings(batch: batchID) == [saved])
    }

    @Test("calibration records cannot be updated or deleted")
    func calibrationsImmutable() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let saved = try store.saveCalibration(CalibrationContractTests.factor(1.0, from: 0))
        #expect(rawError(store, "UPDATE calibrationRecord SET value = 2 WHERE id = ?", [saved.id])?
                    .extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(rawError(store, "DELETE FROM calibrationRecord WHERE id = ?", [saved.id])?
                    .extendedResultCode == .SQLITE_CONSTRAINT_TRIGGER)
        #expect(try store.calibrations(kind: .readerCalibrationFactor, subject: CalibrationContractTests.reader)
                == [saved])
    }

    @Test("a lost element row has NULL curve columns on disk")
    func lostRowHasNoCurveColumns() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        let lost = try store.markElementLost(batch: batchID, card: "C-1", element: 1, reason: "interrupted")
        let row = try #require(try store.database.writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT counts IS NULL AND temperatures IS NULL AND channelCount IS NULL
                       AND readerCurveCRC32 IS NULL AS noCurve, lostReason
                FROM elementReading WHERE id = ?
                """, arguments: [lost.id])
        })
        #expect(row["noCurve"] as Bool? == true)
        #expect(row["lostReason"] as String? == "interrupted")
    }

    @Test("CHECK constraints refuse rows that mix statuses and curves", arguments: [
        // lost, but with counts
        "INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt, channelCount, counts) VALUES (?, 'C-1', 1, 'lost', 'x', '2026-11-17 00:00:00.000', 1, X'01000000')",
        // lost without a reason
        "INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt) VALUES (?, 'C-1', 1, 'lost', '  ', '2026-11-17 00:00:00.000')",
        // stored with a counts BLOB one byte short
        "INSERT INTO elementReading (batchID, cardID, element, status, readAt, channelCount, counts, temperatures, channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32) VALUES (?, 'C-1', 1, 'stored', '2026-11-17 00:00:00.000', 1, X'010000', X'F401', 1, 1, 1, 1)",
        // element 5
        "INSERT INTO elementReading (batchID, cardID, element, status, readAt) VALUES (?, 'C-1', 5, 'absent', '2026-11-17 00:00:00.000')",
    ])
    func checkConstraints(sql: String) throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        let error = try #require(rawError(store, sql, [batchID]))
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK)
        #expect(try store.readings(batch: batchID).isEmpty)
    }

    @Test("a reading must belong to an existing batch (foreign key)")
    func foreignKey() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let error = try #require(rawError(store, """
            INSERT INTO elementReading (batchID, cardID, element, status, readAt)
            VALUES (999, 'C-1', 1, 'absent', '2026-11-17 00:00:00.000')
            """))
        #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
        #expect(LabStoreError.wrapping(error, operation: "insert")
                == .constraintViolation(operation: "insert", message: error.message ?? ""))
    }
}
