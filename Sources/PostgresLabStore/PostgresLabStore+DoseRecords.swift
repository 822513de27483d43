import Foundation
import LabStore
import PostgresNIO

/// A person's dose record and assigned doses on PostgreSQL (the SQLite twin:
/// SQLiteLabStore+DoseRecords.swift): the same queries, orders and refusals. The
/// `assignedDose_insertInterlocks` trigger (PostgresDoseRecordsMigration) refuses what SQLite's
/// triggers refuse, with the same messages.
extension PostgresLabStore: DoseRecordStore {
    public func wearers(nationalIDLookup: Data) throws(LabStoreError) -> [Wearer] {
        try withSession("find a person's wearer rows") { session in
            var b = PostgresBindings()
            try b.append(nationalIDLookup)
            return try session.query("SELECT \(Self.wearerColumns) FROM wearer WHERE nationalIDLookup = $1 ORDER BY id", b)
                .map(Self.decodeWearer)
        }
    }

    public func doseRecord(nationalIDLookup: Data) throws(LabStoreError) -> [DoseRecordPeriod] {
        // One snapshot for the periods and their assigned doses (SQLite reads them in one read transaction).
        try readDoseRecords("read a person's dose record") { session in
            try Self.doseRecord(lookup: nationalIDLookup, in: session)
        }
    }

    public func wornBy(issueID: CardIssue.ID) throws(LabStoreError) -> Wearer? {
        try withSession("find who wore a card") { session in
            var b = PostgresBindings()
            b.append(issueID.rawValue)
            guard let row = try session.query("""
                SELECT i.handedOverToName, coalesce(i.handedOverToWearerID,
                    (SELECT h.wearerID FROM enrolment h WHERE h.handedOverFromIssueID = i.id ORDER BY h.id LIMIT 1)),
                    e.wearerID
                FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID WHERE i.id = $1
                """, b).first else { return nil }
            let (name, wornBy, owner) = try row.decode((String?, Int64?, Int64).self)
            let worn: Int64? = name == nil ? owner : wornBy
            guard let id = worn else { return nil }
            var w = PostgresBindings()
            w.append(id)
            return try session.query("SELECT \(Self.wearerColumns) FROM wearer WHERE id = $1", w).first.map(Self.decodeWearer)
        }
    }

    /// Stores an assigned dose. The issue's row is locked first (FOR NO KEY UPDATE): two desks
    /// assigning a dose to the same period at once take turns, so the second sees the first's row
    /// and the trigger refuses it (or, with `replacesID`, it corrects the current one), as SQLite's
    /// single writer orders them; without the lock both triggers would look before either inserted.
    public func assignDose(_ dose: AssignedDose) throws(LabStoreError) -> AssignedDose {
        for value in [dose.hp10MilliSievert, dose.hp007MilliSievert].compactMap({ $0 }) where !value.isFinite {
            throw .nonFiniteValue(field: "assigned dose")
        }
        let assignedAt = storedTime(now())
        let stored = try transaction("assign a dose") { session -> AssignedDose in
            var key = PostgresBindings()
            key.append(dose.issueID.rawValue)
            // An unknown issue is left to the foreign key (SQLite's refusal: a constraint violation).
            _ = try session.query("SELECT 1 FROM cardIssue WHERE id = $1 FOR NO KEY UPDATE", key)
            var b = PostgresBindings()
            b.append(dose.issueID.rawValue); b.append(dose.method.rawValue); b.append(dose.reason.rawValue)
            b.append(dose.hp10MilliSievert); b.append(dose.hp007MilliSievert); b.append(dose.sourceIssueIDs)
            b.append(dose.who); b.append(dose.why); b.append(assignedAt); b.append(dose.replacesID?.rawValue)
            guard let row = try session.query("""
                INSERT INTO assignedDose (issueID, method, reason, hp10MilliSievert, hp007MilliSievert, sourceIssueIDs, who, why,
                    assignedAt, replacesID)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10) RETURNING \(Self.assignedDoseColumns)
                """, b).first else { throw LabStoreError.unexpected(operation: "assign a dose", message: "no row returned") }
            return try Self.decodeAssignedDose(row)
        }
        logger.info("dose assigned", metadata: ["issue": "\(dose.issueID.rawValue)", "method": "\(dose.method.rawValue)"])
        return stored
    }

    public func currentAssignedDoses(issueIDs: [CardIssue.ID]) throws(LabStoreError) -> [CardIssue.ID: AssignedDose] {
        try withSession("read assigned doses") { session in
            try Self.currentAssignedDoses(issueIDs: issueIDs.map(\.rawValue), in: session)
        }
    }

    // MARK: Inside a session

    /// Runs `body` in one read-only transaction (REPEATABLE READ: one snapshot for all its queries,
    /// as a SQLite read transaction sees the database).
    func readDoseRecords<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws(LabStoreError) -> T {
        try withSession(operation) { session in
            try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Every period of the person with look-up hash `lookup` (see ``DoseRecordStore/doseRecord(nationalIDLookup:)``).
    static func doseRecord(lookup: Data, in session: PostgresSession) throws -> [DoseRecordPeriod] {
        var b = PostgresBindings()
        try b.append(lookup)
        let me = Set(try session.query("SELECT id FROM wearer WHERE nationalIDLookup = $1", b).map { try $0.decode(Int64.self) })
        guard !me.isEmpty else { return [] }
        let rows = try session.query("""
            \(mineCTE(me: "SELECT id FROM wearer WHERE nationalIDLookup = $1"))
            \(doseRecordSelect)
            WHERE i.id IN (SELECT id FROM mine)
            ORDER BY i.periodEnd, i.periodStart, i.id
            """, b).map(DoseRecordRow.init)
        let assigned = try currentAssignedDoses(issueIDs: rows.map(\.issueID), in: session)
        return rows.map { doseRecordPeriod(row: $0, isMine: me.contains, assigned: assigned) }
    }
}
