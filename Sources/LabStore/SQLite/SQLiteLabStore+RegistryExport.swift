import Foundation
import GRDB

extension SQLiteLabStore: RegistryExportStore {
    public func personLookups(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [Data] {
        try read("find the people of a registry export", table: CardIssue.databaseTableName) { db in
            try Data.fetchAll(db, sql: """
                SELECT DISTINCT w.nationalIDLookup FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
                JOIN wearer w ON w.id = coalesce(i.handedOverToWearerID,
                    (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), e.wearerID)
                WHERE i.periodEnd BETWEEN ? AND ?
                """, arguments: [from, to])
        }
    }

    public func latestRegistryRecords(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryLogRecord] {
        try read("read the registry export log", table: "registryRecord") { db in
            try Self.latestRegistryRecords(from: from, to: to, in: db)
        }
    }

    static func latestRegistryRecords(from: CalendarDay, to: CalendarDay, in db: Database) throws -> [RegistryLogRecord] {
        try Row.fetchAll(db, sql: """
            SELECT r.* FROM registryRecord r JOIN cardIssue i ON i.id = r.issueID
            WHERE i.periodEnd BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM registryRecord c WHERE c.correctsID = r.id)
            """, arguments: [from, to]).map(Self.logRecord)
    }

    static func logRecord(_ row: Row) -> RegistryLogRecord {
        RegistryLogRecord(
            id: row["id"], issueID: CardIssue.ID(rawValue: row["issueID"]), personLookup: row["personLookup"],
            kind: row["kind"], correctsID: row["correctsID"], status: row["status"], hp10MilliSievert: row["hp10MilliSievert"],
            hp007MilliSievert: row["hp007MilliSievert"], content: row["content"])
    }

    public func recordRegistryExport(
        from: CalendarDay, to: CalendarDay, fileName: String,
        write: (_ exportID: Int64, _ firstRecordID: Int64) throws -> (records: [RegistryLogRecord], sha256: String)
    ) throws -> RegistryExportEntry {
        let stamp = now()
        let entry: RegistryExportEntry
        do {
            entry = try database.writer.write { db in
                // Writes are serialised: the next numbers are free until this transaction ends.
                let exportID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM registryExport") ?? 0) + 1
                let firstRecord = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM registryRecord") ?? 0) + 1
                let (records, sha) = try write(exportID, firstRecord)
                // Another desk's export of these periods may have committed since this one looked.
                try RegistryExportConflict.check(records, latest: try Self.latestRegistryRecords(from: from, to: to, in: db))
                try db.execute(sql: """
                    INSERT INTO registryExport (id, createdAt, fromDay, toDay, fileName, recordCount, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [exportID, stamp, from, to, fileName, records.count, sha])
                // One prepared statement for every record (an export may hold 100 000).
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, correctsID, status, hp10MilliSievert, hp007MilliSievert, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for r in records {
                    try insert.execute(arguments: [r.id, exportID, r.issueID.rawValue, r.personLookup, r.kind, r.correctsID, r.status,
                                                   r.hp10MilliSievert, r.hp007MilliSievert, r.content])
                }
                return RegistryExportEntry(id: exportID, createdAt: stamp, from: from, to: to, fileName: fileName, recordCount: records.count, sha256: sha)
            }
        } catch let error as LabStoreError {
            throw error
        } catch let error as DatabaseError {
            throw LabStoreError.wrapping(error, operation: "record a registry export", table: "registryExport")
        }
        // Counts only: never a national ID, a name or a dose in the log.
        logger.info("registry export recorded", metadata: ["export": "\(entry.id)", "records": "\(entry.recordCount)"])
        return entry
    }

    public func registryExports() throws(LabStoreError) -> [RegistryExportEntry] {
        try read("read the registry export log", table: "registryExport") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM registryExport ORDER BY id").map { row in
                RegistryExportEntry(id: row["id"], createdAt: row["createdAt"], from: row["fromDay"], to: row["toDay"],
                                    fileName: row["fileName"], recordCount: row["recordCount"], sha256: row["sha256"])
            }
        }
    }
}
