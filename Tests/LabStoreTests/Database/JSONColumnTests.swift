import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// The JSON columns hold plain JSON that SQLite's JSON functions (and any other tool) can read.
@Suite("SQLite database: JSON columns")
struct JSONColumnTests {
    @Test("the time-temperature profile is a JSON object in the reader's units")
    func profileJSON() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        let row = try #require(try store.database.writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT json_extract(timeTemperatureProfile, '$.rampDeciCelsiusPerSecond') AS ramp,
                       json_extract(timeTemperatureProfile, '$.acquisitionMilliseconds') AS acquisition,
                       json_extract(timeTemperatureProfile, '$.channels') AS channels
                FROM readoutBatch WHERE id = ?
                """, arguments: [batchID])
        })
        #expect(row["ramp"] as Int? == 100)
        #expect(row["acquisition"] as Int? == 26_670)
        #expect(row["channels"] as Int? == 200)
    }

    @Test("dose flags are a JSON array of strings")
    func flagsJSON() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batchID)
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 0.2,
                                                         flags: ["fading-corrected", "peak-shift"]))
        let flags = try store.database.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT value FROM doseResult, json_each(doseResult.flags) WHERE doseResult.id = ? ORDER BY key
                """, arguments: [dose.id])
        }
        #expect(flags == ["fading-corrected", "peak-shift"])
    }
}
