import Foundation
import LabStore
import PostgresNIO

/// The registry export log on PostgreSQL (the SQLite twin: SQLiteLabStore+RegistryExport.swift). The
/// log holds look-up hashes and record content, never a national ID: the full ID is revealed only
/// in the export file, by the workflow (LabWorkflow's RegistryExport), the same code on both backends.
extension PostgresLabStore: RegistryExportStore {
    static let registryRecordColumns = """
        id, issueID, personLookup, kind, correctsID, status, hp10MilliSievert, hp007MilliSievert, content
        """

    public func personLookups(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [Data] {
        try withSession("find the people of a registry export") { session in
            var b = PostgresBindings()
            b.append(from.description); b.append(to.description)
            return try session.query("""
                SELECT DISTINCT w.nationalIDLookup FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
                JOIN wearer w ON w.id = coalesce(i.handedOverToWearerID,
                    (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1), e.wearerID)
                WHERE i.periodEnd BETWEEN $1::date AND $2::date
                """, b).map { try $0.decode(Data.self) }
        }
    }

    public func latestRegistryRecords(periodEndFrom from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [RegistryLogRecord] {
        try withSession("read the registry export log") { session in
            try Self.latestRegistryRecords(from: from, to: to, in: session)
        }
    }

    static func latestRegistryRecords(from: CalendarDay, to: CalendarDay, in session: PostgresSession) throws -> [RegistryLogRecord] {
        var b = PostgresBindings()
        b.append(from.description); b.append(to.description)
        return try session.query("""
            SELECT r.id, r.issueID, r.personLookup, r.kind, r.correctsID, r.status, r.hp10MilliSievert, r.hp007MilliSievert, r.content
            FROM registryRecord r JOIN cardIssue i ON i.id = r.issueID
            WHERE i.periodEnd BETWEEN $1::date AND $2::date AND NOT EXISTS (SELECT 1 FROM registryRecord c WHERE c.correctsID = r.id)
            ORDER BY r.id
            """, b).map(decodeLogRecord)
    }

    static func decodeLogRecord(_ row: PostgresRow) throws -> RegistryLogRecord {
        let (id, issueID, lookup, kindText, correctsID, statusText, hp10, hp007, content) = try row.decode(
            (Int64, Int64, Data, String, Int64?, String, Double?, Double?, String).self)
        guard let kind = RegistryRecordKind(rawValue: kindText), let status = DoseRecordStatus(rawValue: statusText) else {
            throw LabStoreError.corruptRow(table: "registryRecord", reason: "unknown kind \(kindText) or status \(statusText)")
        }
        return RegistryLogRecord(
            id: id, issueID: CardIssue.ID(rawValue: issueID), personLookup: lookup, kind: kind, correctsID: correctsID, status: status,
            hp10MilliSievert: hp10, hp007MilliSievert: hp007, content: content)
    }

    /// Records an export in one transaction. Both log tables are locked first (SHARE ROW EXCLUSIVE:
    /// readers go on, a second export waits), so the next numbers are free until this commits, as
    /// under SQLite's single writer; once the other export committed, ``RegistryExportConflict``
    /// refuses records it already sent.
    public func recordRegistryExport(
        from: CalendarDay, to: CalendarDay, fileName: String,
        write: (_ exportID: Int64, _ firstRecordID: Int64) throws -> (records: [RegistryLogRecord], sha256: String)
    ) throws -> RegistryExportEntry {
        let stamp = storedTime(now())
        // The writer's own error (the file could not be written) is given back as it is, not as a store error.
        var writeError: (any Error)?
        let entry: RegistryExportEntry
        do {
            entry = try transaction("record a registry export") { session -> RegistryExportEntry in
                try session.execute("LOCK TABLE registryExport, registryRecord IN SHARE ROW EXCLUSIVE MODE")
                let exportID = (try session.query("SELECT max(id) FROM registryExport").first?.decode(Int64?.self) ?? 0) + 1
                let firstRecord = (try session.query("SELECT max(id) FROM registryRecord").first?.decode(Int64?.self) ?? 0) + 1
                let written: (records: [RegistryLogRecord], sha256: String)
                do {
                    written = try write(exportID, firstRecord)
                } catch {
                    writeError = error
                    throw error
                }
                let (records, sha) = written
                try RegistryExportConflict.check(records, latest: try Self.latestRegistryRecords(from: from, to: to, in: session))
                var e = PostgresBindings()
                e.append(exportID); e.append(stamp); e.append(from.description); e.append(to.description); e.append(fileName)
                e.append(Int64(records.count)); e.append(sha)
                try session.execute("""
                    INSERT INTO registryExport (id, createdAt, fromDay, toDay, fileName, recordCount, sha256)
                    VALUES ($1, $2, $3::date, $4::date, $5, $6, $7)
                    """, e)
                // Many rows per statement (an export may hold 100 000 records): 500 rows of 10 values.
                for start in stride(from: 0, to: records.count, by: 500) {
                    let chunk = records[start..<min(start + 500, records.count)]
                    var b = PostgresBindings()
                    var values: [String] = []
                    for (n, r) in chunk.enumerated() {
                        let p = n * 10
                        values.append("($\(p + 1), $\(p + 2), $\(p + 3), $\(p + 4), $\(p + 5), $\(p + 6), $\(p + 7), $\(p + 8), $\(p + 9), $\(p + 10))")
                        b.append(r.id); b.append(exportID); b.append(r.issueID.rawValue); try b.append(r.personLookup)
                        b.append(r.kind.rawValue); b.append(r.correctsID); b.append(r.status.rawValue); b.append(r.hp10MilliSievert)
                        b.append(r.hp007MilliSievert); b.append(r.content)
                    }
                    try session.execute("""
                        INSERT INTO registryRecord (id, exportID, issueID, personLookup, kind, correctsID, status, hp10MilliSievert,
                            hp007MilliSievert, content)
                        VALUES \(values.joined(separator: ", "))
                        """, b)
                }
                return RegistryExportEntry(
                    id: exportID, createdAt: stamp, from: from, to: to, fileName: fileName, recordCount: records.count, sha256: sha)
            }
        } catch {
            if let writeError { throw writeError }
            throw error
        }
        // Counts only: never a national ID, a name or a dose in the log.
        logger.info("registry export recorded", metadata: ["export": "\(entry.id)", "records": "\(entry.recordCount)"])
        return entry
    }

    public func registryExports() throws(LabStoreError) -> [RegistryExportEntry] {
        try withSession("read the registry export log") { session in
            try session.query("""
                SELECT id, createdAt, to_char(fromDay, 'YYYY-MM-DD'), to_char(toDay, 'YYYY-MM-DD'), fileName, recordCount, sha256
                FROM registryExport ORDER BY id
                """).map { row in
                let (id, createdAt, fromText, toText, fileName, count, sha) = try row.decode((Int64, Date, String, String, String, Int64, String).self)
                guard let from = try Self.day(fromText, table: "registryExport"), let to = try Self.day(toText, table: "registryExport") else {
                    throw LabStoreError.corruptRow(table: "registryExport", reason: "export \(id) without its days")
                }
                return RegistryExportEntry(id: id, createdAt: createdAt, from: from, to: to, fileName: fileName, recordCount: Int(count), sha256: sha)
            }
        }
    }
}
