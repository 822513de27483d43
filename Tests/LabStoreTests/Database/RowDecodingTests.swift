import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("SQLite database: decoding damaged rows")
struct RowDecodingTests {
    private func storedRow(counts: Data, temperatures: Data, channelCount: Int) -> Row {
        Row([
            "id": 1, "batchID": 1, "cardID": "C-1", "element": 1, "status": "stored", "lostReason": nil,
            "readAt": "2026-11-17 00:00:00.000", "channelCount": channelCount, "counts": counts,
            "temperatures": temperatures, "channelMicroseconds": 100, "pmtDarkCountsPerSecond": 3,
            "heaterMaxDeciCelsius": 3000, "readerCurveCRC32": 0,
        ])
    }

    @Test("a counts BLOB of the wrong length is a typed error, not a crash")
    func wrongCountsLength() {
        let row = storedRow(counts: Data([1, 0, 0]), temperatures: Data([0xF4, 0x01]), channelCount: 1)
        #expect(throws: BlobDecodingError.lengthNotMultiple(column: .counts, byteCount: 3, bytesPerValue: 4)) {
            try ElementReading(row: row)
        }
    }

    @Test("a temperature BLOB that disagrees with channelCount is a typed error")
    func wrongTemperatureChannels() {
        let row = storedRow(counts: Data([1, 0, 0, 0]), temperatures: Data([0xF4, 0x01, 0, 0]), channelCount: 1)
        #expect(throws: BlobDecodingError.channelCountMismatch(column: .temperatures, expected: 1, found: 2)) {
            try ElementReading(row: row)
        }
    }

    @Test("decoding errors become LabStoreError.corruptRow naming the table")
    func wrappedAsCorruptRow() {
        let error = BlobDecodingError.lengthNotMultiple(column: .counts, byteCount: 3, bytesPerValue: 4)
        #expect(LabStoreError.wrapping(error, operation: "read", table: "elementReading")
                == .corruptRow(table: "elementReading", reason: error.description))
    }

    @Test("a well-formed row decodes to the curve it holds")
    func wellFormed() throws {
        let row = storedRow(counts: ChannelBlobCodec.encode(counts: [120, 3456, 78]),
                            temperatures: ChannelBlobCodec.encode(temperaturesDeciCelsius: [500, 510, 520]),
                            channelCount: 3)
        let reading = try ElementReading(row: row)
        #expect(reading.curve?.counts == [120, 3456, 78])
        #expect(reading.curve?.temperaturesDeciCelsius == [500, 510, 520])
        #expect(reading.readAt == Date(timeIntervalSince1970: 1_794_873_600))  // 2026-11-17T00:00:00Z
    }

    @Test("SQLite errors map into the interface's backend-free families")
    func resultCodeFamilies() {
        let busy = DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked")
        #expect(LabStoreError.wrapping(busy, operation: "save") == .databaseBusy(operation: "save"))
        #expect(LabStoreError.databaseBusy(operation: "save").sqliteResultCode == 5)
        let full = DatabaseError(resultCode: .SQLITE_FULL, message: "disk full")
        #expect(LabStoreError.wrapping(full, operation: "save")
                == .storage(operation: "save", failure: .full, message: "disk full"))
        #expect(LabStoreError.wrapping(full, operation: "save").family == .storage)
        #expect(LabStoreError.wrapping(busy, operation: "save").family == .busy)
        #expect(LabStoreError.wrapping(busy, operation: "save").isDatabaseFailure)
        let readOnly = DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database")
        #expect(LabStoreError.wrapping(readOnly, operation: "save")
                == .storage(operation: "save", failure: .permission, message: "attempt to write a readonly database"))
        #expect(LabStoreError.wrapping(LabStoreError.missingLostReason, operation: "save") == .missingLostReason)
    }
}
