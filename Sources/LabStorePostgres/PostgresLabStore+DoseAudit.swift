import Foundation
import LabStore
import PostgresNIO

/// The dose audit trail and the dose look-ups of the lab-records role on PostgreSQL (SQLite's twin:
/// SQLiteLabStore+Doses.swift). They carry ``LabRecordStore``'s signatures, so PostgreSQL's
/// conformance, once the rest of that role is here, only declares it.
///
/// The `doseAudit` table (`v15-pgschema15`) is append-only: its triggers refuse UPDATE and DELETE.
extension PostgresLabStore {
    static let doseAuditColumns = "id, doseID, cardID, version, action, state, who, why, at"

    /// The card's audit rows, oldest first (by id), as SQLite lists them.
    public func doseAudit(cardID: String) throws(LabStoreError) -> [DoseAuditEntry] {
        try withSession("read dose audit") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query(
                "SELECT \(Self.doseAuditColumns) FROM doseAudit WHERE cardID = $1 ORDER BY id", b)
                .map(Self.decodeDoseAudit)
        }
    }

    /// The current dose versions waiting for a physicist's review, by batch then card (byte order, as
    /// SQLite's BINARY collation).
    public func dosesNeedingReview() throws(LabStoreError) -> [DoseResult] {
        try withSession("list doses needing review") { session in
            var b = PostgresBindings()
            b.append(DoseState.needsReview.rawValue)
            return try session.query("""
                SELECT \(Self.doseColumns) FROM doseResult WHERE supersededAt IS NULL AND state = $1
                ORDER BY batchID, cardID COLLATE "C"
                """, b).map(Self.decodeDose)
        }
    }

    /// One dose version by id, or nil.
    public func dose(id: DoseResult.ID) throws(LabStoreError) -> DoseResult? {
        try withSession("read dose") { session in
            var b = PostgresBindings()
            b.append(id.rawValue)
            return try session.query("SELECT \(Self.doseColumns) FROM doseResult WHERE id = $1", b).first.map(Self.decodeDose)
        }
    }

    /// Writes the audit row of a dose just saved or changed, inside the caller's transaction.
    static func audit(
        _ dose: DoseResult, action: DoseAuditEntry.Action, audit: DoseAudit, at date: Date, in session: PostgresSession
    ) throws {
        guard let id = dose.id else { return }
        var b = PostgresBindings()
        b.append(id.rawValue); b.append(dose.cardID); b.append(dose.version); b.append(action.rawValue)
        b.append(dose.state.rawValue); b.append(audit.who); b.append(audit.why); b.append(storedTime(date))
        try session.execute("""
            INSERT INTO doseAudit (doseID, cardID, version, action, state, who, why, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, b)
    }

    static func decodeDoseAudit(_ row: PostgresRow) throws -> DoseAuditEntry {
        let (id, doseID, cardID, version, actionText, stateText, who, why, at) = try row.decode(
            (Int64, Int64, String, Int, String, String, String, String, Date).self)
        guard let action = DoseAuditEntry.Action(rawValue: actionText) else {
            throw LabStoreError.corruptRow(table: "doseAudit", reason: "unknown action \(actionText)")
        }
        guard let state = DoseState(rawValue: stateText) else {
            throw LabStoreError.corruptRow(table: "doseAudit", reason: "unknown state \(stateText)")
        }
        return DoseAuditEntry(
            id: DoseAuditEntry.ID(rawValue: id), doseID: DoseResult.ID(rawValue: doseID), cardID: cardID, version: version,
            action: action, state: state, who: who, why: why, at: at)
    }
}
