import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Migration `v7-evaluation` on a database of the previous version: batches already evaluated stay
/// so; a batch whose evaluation was cut off is pending (and so gets evaluated by the next command).
@Suite("Migration v7-evaluation")
struct EvaluationMigrationTests {
    @Test("complete batches with every stored card evaluated are evaluated; a cut-off one is pending; open ones pending")
    func upgradesExistingBatches() throws {
        let queue = try DatabaseQueue()
        let migrator = LabMigrations.makeMigrator()
        try migrator.migrate(queue, upTo: LabRecordsMigration.name)
        try queue.write { db in
            for (id, state) in [(1, "complete"), (2, "complete"), (3, "open")] {
                try db.execute(sql: """
                    INSERT INTO readoutBatch (id, groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
                      timeTemperatureProfile, source, state, finishedAt)
                    VALUES (?, ?, '2026-11-01 10:00:00.000', 'TLR', 'S1', '1', 4, '{}', ?, ?, ?)
                    """, arguments: [id, "B\(id)", "src\(id)", state, state == "open" ? nil : "2026-11-01 10:05:00.000"])
            }
            // Batch 1: its one card has its dose. Batch 2: one card of two has a dose (the evaluation was cut off).
            for (batch, card) in [(1, "C1"), (2, "C2")] {
                try db.execute(sql: """
                    INSERT INTO doseResult (batchID, cardID, version, hp10MilliSievert, flags, remarks, algorithmID, evaluatedAt, state)
                    VALUES (?, ?, 1, 0.1, '[]', '', 'test', '2026-11-01 10:06:00.000', 'evaluated')
                    """, arguments: [batch, card])
            }
        }
        // Batch 2's second card has a stored reading (a one-channel curve) but no dose.
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO elementReading (batchID, cardID, element, status, readAt, channelCount, counts, temperatures,
                  channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32)
                VALUES (2, 'C3', 1, 'stored', '2026-11-01 10:01:00.000', 1, x'00000000', x'0000', 100, 0, 0, 0)
                """)
        }
        try migrator.migrate(queue)
        let states = try queue.read { db in try String.fetchAll(db, sql: "SELECT evaluation FROM readoutBatch ORDER BY id") }
        #expect(states == ["evaluated", "pending", "pending"])
    }
}
