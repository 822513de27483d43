import LabStore
import PostgresNIO

/// The store's summary on PostgreSQL (the SQLite twin: SQLiteLabStore+Counts.swift), in one
/// statement so the figures are of one snapshot.
extension PostgresLabStore {
    public func counts() throws(LabStoreError) -> LabStoreCounts {
        try withSession("count records") { session in
            guard let row = try session.query("""
                SELECT (SELECT count(*) FROM readoutBatch),
                       (SELECT count(*) FROM readoutBatch WHERE state = 'open'),
                       (SELECT count(*) FROM elementReading WHERE status = 'stored'),
                       (SELECT count(*) FROM elementReading WHERE status = 'lost'),
                       (SELECT count(*) FROM elementReading WHERE status = 'absent'),
                       (SELECT count(*) FROM doseResult),
                       (SELECT count(*) FROM doseResult WHERE supersededAt IS NULL),
                       (SELECT count(*) FROM doseResult WHERE supersededAt IS NULL AND state = 'released'),
                       (SELECT count(*) FROM calibrationRecord)
                """).first else { throw LabStoreError.unexpected(operation: "count records", message: "no row returned") }
            let c = try row.decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
            return LabStoreCounts(
                batches: Int(c.0), openBatches: Int(c.1), storedElements: Int(c.2), lostElements: Int(c.3),
                absentElements: Int(c.4), doseVersions: Int(c.5), currentDoses: Int(c.6), releasedDoses: Int(c.7),
                calibrations: Int(c.8))
        }
    }
}
