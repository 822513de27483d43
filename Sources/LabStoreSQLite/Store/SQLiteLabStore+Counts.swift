import GRDB
import LabStore

extension SQLiteLabStore {
    public func counts() throws(LabStoreError) -> LabStoreCounts {
        try read("count records") { db in try Self.counts(in: db) }
    }

    /// The counts of the lab file at `path`, read on a read-only connection: nothing is migrated or
    /// written (`tld db status`). The schema must be up to date (the caller checks the migrations).
    public static func counts(readOnlyPath path: String) throws(LabStoreError) -> LabStoreCounts {
        try LabDatabaseIdentity.check(path: path)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: path, configuration: configuration).read(counts(in:))
        } catch {
            throw LabStoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    static func counts(in db: Database) throws -> LabStoreCounts {
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
