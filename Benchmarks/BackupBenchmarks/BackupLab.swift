import Foundation
import LabStore
import LabStoreSQLite
import Logging

/// A lab database of `cards` four-element cards read in one batch, each with a dose version and its
/// audit entry: one card written through the store, then copied with new card numbers by the sqlite3
/// tool in one transaction (a readout of 10 000 cards would take the benchmark an hour).
final class BackupLab: @unchecked Sendable {  // used by one benchmark at a time
    let directory: URL
    let path: String
    let store: SQLiteLabStore

    init(cards: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tld-backup-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("lab.sqlite").path
        store = try SQLiteLabStore.open(path: path, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let profile = TimeTemperatureProfile(
            preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100, maximumDeciCelsius: 3000,
            acquisitionMilliseconds: 26_670, channels: 200, annealDeciCelsius: 3000, annealMilliseconds: 10_000)
        let batch = try store.openBatch(groupID: "BENCH", reader: ReaderIdentity(model: "TLR-4", serial: "BENCH", firmware: "1.4.2"),
                                        elementsPerCard: 4, timeTemperatureProfile: profile, source: "benchmark")
        guard let batchID = batch.id else { throw CocoaError(.fileWriteUnknown) }
        for element in 1...4 {
            var state = UInt32(element) &* 2_654_435_761 | 1
            var counts: [UInt32] = []
            var temperatures: [Int16] = []
            for channel in 0..<200 {
                state ^= state << 13
                state ^= state >> 17
                state ^= state << 5
                counts.append(state % 50_000)
                temperatures.append(Int16(500 + channel * 12))
            }
            let curve = ElementCurve(counts: counts, temperaturesDeciCelsius: temperatures, channelMicroseconds: 133_350,
                                     pmtDarkCountsPerSecond: 37, heaterMaxDeciCelsius: 3012,
                                     readerCurveCRC32: CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temperatures))
            _ = try store.saveElementReading(ElementReading(batchID: batchID, cardID: "C", element: element, readAt: Date(), outcome: .stored(curve)))
        }
        _ = try store.saveDose(DoseEvaluation(batchID: batchID, cardID: "C", hp10MilliSievert: 0.42, hp007MilliSievert: 0.40, flags: [],
                                              remarks: "", algorithmID: "four-element-v1", calibrationID: "cal", evaluatedAt: Date(), state: .evaluated))
        let copies = cards - 1
        try Self.sqlite3(path, """
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(copies))
            INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt, channelCount, counts, temperatures,
                channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32)
            SELECT batchID, 'C' || i, element, status, lostReason, readAt, channelCount, counts, temperatures,
                channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32 FROM elementReading, n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(copies))
            INSERT INTO doseResult (batchID, cardID, version, hp10MilliSievert, hp007MilliSievert, detectionLimitMilliSievert, flags,
                remarks, algorithmID, calibrationID, evaluatedAt, supersededAt, state)
            SELECT batchID, 'C' || i, version, hp10MilliSievert, hp007MilliSievert, detectionLimitMilliSievert, flags,
                remarks, algorithmID, calibrationID, evaluatedAt, supersededAt, state FROM doseResult, n;
            INSERT INTO doseAudit (doseID, cardID, version, action, state, who, why, at)
            SELECT id, cardID, version, 'evaluated', state, 'benchmark', 'benchmark', evaluatedAt FROM doseResult
            WHERE id NOT IN (SELECT doseID FROM doseAudit);
            COMMIT;
            """)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func sqlite3(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", "-cmd", ".timeout 5000", path, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
