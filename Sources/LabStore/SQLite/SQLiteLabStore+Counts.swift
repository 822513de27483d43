import GRDB

extension SQLiteLabStore {
    public func counts() throws(LabStoreError) -> LabStoreCounts {
        try read("count records") { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return LabStoreCounts(
                batches: try count("SELECT COUNT(*) FROM readoutBatch"),
                openBatches: try count("SELECT COUNT(*) FROM readoutBatch WHERE state = 'open'"),
                storedElements: try count("SELECT COUNT(*) FROM elementReading WHERE status = 'stored'"),
                lostElements: try count("SELECT COUNT(*) FROM elementReading WHERE status = 'lost'"),
                absentElements: try count("SELECT COUNT(*) FROM elementReading WHERE status = 'absent'"),
                doseVersions: try count("SELECT COUNT(*) FROM doseResult"),
                currentDoses: try count("SELECT COUNT(*) FROM doseResult WHERE supersededAt IS NULL"),
                releasedDoses: try count(
                    "SELECT COUNT(*) FROM doseResult WHERE supersededAt IS NULL AND state = 'released'"),
                calibrations: try count("SELECT COUNT(*) FROM calibrationRecord"))
        }
    }
}
