import Foundation
import LabStore
import PostgresNIO

/// Dose versions on PostgreSQL (the SQLite twin: SQLiteLabStore+Doses.swift): the same checks in the
/// same order and the same ``LabStoreError`` cases; the `v15-pgdose15` triggers enforce immutability in
/// the database as SQLite's do. Each write is one transaction, committed (synchronous_commit on)
/// before it returns. Every version saved and every state change writes its `doseAudit` row in the
/// same transaction, as SQLite does (PostgresLabStore+DoseAudit.swift).
extension PostgresLabStore {
    static let doseColumns = """
        id, batchID, cardID, version, hp10MilliSievert, hp007MilliSievert, detectionLimitMilliSievert,
        flags::text, remarks, algorithmID, calibrationID, evaluatedAt, supersededAt, state
        """

    public func saveDose(_ evaluation: DoseEvaluation) throws(LabStoreError) -> DoseResult {
        try saveDose(evaluation, audit: .automatic, action: .evaluated)
    }

    /// Saves a new version of the card's dose in its batch (superseding the current one) and its
    /// `doseAudit` row, in one transaction (SQLite's twin: ``SQLiteLabStore/saveDose(_:audit:action:)``).
    ///
    /// - Throws: ``LabStoreError/invalidRecord(_:)`` without who or why (nothing is written), and the
    ///   errors of ``saveDose(_:)``.
    public func saveDose(
        _ evaluation: DoseEvaluation, audit: DoseAudit, action: DoseAuditEntry.Action
    ) throws(LabStoreError) -> DoseResult {
        try StoreValidation.cardID(evaluation.cardID)
        try StoreValidation.finite(evaluation.hp10MilliSievert, field: "hp10MilliSievert")
        try StoreValidation.finite(evaluation.hp007MilliSievert, field: "hp007MilliSievert")
        try StoreValidation.finite(evaluation.detectionLimitMilliSievert, field: "detectionLimitMilliSievert")
        try audit.validate()
        let flags = try Self.flagsJSON(evaluation.flags)
        let supersededAt = storedTime(now())
        let dose = try transaction("save dose") { session -> DoseResult in
            let saved = try Self.insertNextVersion(evaluation, flags: flags, supersededAt: supersededAt, operation: "save dose", in: session)
            try Self.audit(saved, action: action, audit: audit, at: supersededAt, in: session)
            return saved
        }
        logger.info("saved dose", metadata: [
            "batch": "\(evaluation.batchID)", "card": "\(evaluation.cardID)", "version": "\(dose.version)",
            "state": "\(dose.state.rawValue)", "who": "\(audit.who)",
        ])
        return dose
    }

    /// The next version of a card's dose in `session`: the batch must exist and the card hold stored
    /// readings; the current version is superseded at `supersededAt` and the new one inserted with the
    /// number after the highest. Two benches evaluating (or a physicist correcting) the same card at
    /// once: the second waits at the card's advisory lock until the first committed, then numbers its
    /// version after it (READ COMMITTED sees the new row). Used by `saveDose` and `saveEvaluatedDose`.
    static func insertNextVersion(
        _ evaluation: DoseEvaluation, flags: String, supersededAt: Date, operation: String, in session: PostgresSession
    ) throws -> DoseResult {
        _ = try existingBatch(evaluation.batchID, in: session)
        var key = PostgresBindings()
        key.append(evaluation.batchID.rawValue); key.append(evaluation.cardID)
        try session.execute("SELECT pg_advisory_xact_lock(hashtextextended($2, $1))", key)
        let stored = try session.query("""
            SELECT count(*) FROM elementReading WHERE batchID = $1 AND cardID = $2 AND status = 'stored'
            """, key).first?.decode(Int64.self) ?? 0
        guard stored > 0 else {
            throw LabStoreError.noStoredReadings(batch: evaluation.batchID, cardID: evaluation.cardID)
        }
        let latest = try session.query(
            "SELECT max(version) FROM doseResult WHERE batchID = $1 AND cardID = $2", key).first?.decode(Int?.self) ?? 0
        var stamp = key
        stamp.append(supersededAt)
        try session.execute(
            "UPDATE doseResult SET supersededAt = $3 WHERE batchID = $1 AND cardID = $2 AND supersededAt IS NULL", stamp)
        let dose = DoseResult(version: (latest ?? 0) + 1, evaluation: evaluation)
        var b = PostgresBindings()
        b.append(dose.batchID.rawValue); b.append(dose.cardID); b.append(dose.version)
        b.append(dose.hp10MilliSievert); b.append(dose.hp007MilliSievert); b.append(dose.detectionLimitMilliSievert)
        b.append(flags); b.append(dose.remarks); b.append(dose.algorithmID); b.append(dose.calibrationID)
        b.append(storedTime(dose.evaluatedAt)); b.append(dose.state.rawValue)
        guard let row = try session.query("""
            INSERT INTO doseResult (batchID, cardID, version, hp10MilliSievert, hp007MilliSievert,
                detectionLimitMilliSievert, flags, remarks, algorithmID, calibrationID, evaluatedAt, state)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
            RETURNING \(doseColumns)
            """, b).first else { throw LabStoreError.unexpected(operation: operation, message: "no row returned") }
        return try decodeDose(row)
    }

    public func setDoseState(id: DoseResult.ID, to state: DoseState) throws(LabStoreError) -> DoseResult {
        try setDoseState(id: id, to: state, audit: DoseAudit(who: "system", why: "state change"), action: .stateChanged)
    }

    /// Moves the dose's review state and writes its `doseAudit` row, in one transaction (SQLite's twin:
    /// ``SQLiteLabStore/setDoseState(id:to:audit:action:)``).
    ///
    /// - Throws: ``LabStoreError/invalidRecord(_:)`` without who or why (nothing is written), and the
    ///   errors of ``setDoseState(id:to:)``.
    public func setDoseState(
        id: DoseResult.ID, to state: DoseState, audit: DoseAudit, action: DoseAuditEntry.Action
    ) throws(LabStoreError) -> DoseResult {
        try audit.validate()
        let stamp = storedTime(now())
        return try transaction("change dose state") { session -> DoseResult in
            var b = PostgresBindings()
            b.append(id.rawValue)
            // FOR UPDATE: a concurrent re-evaluation (which supersedes this row) waits, or is waited for.
            guard let row = try session.query("SELECT \(Self.doseColumns) FROM doseResult WHERE id = $1 FOR UPDATE", b).first else {
                throw LabStoreError.doseNotFound(id)
            }
            let dose = try Self.decodeDose(row)
            guard dose.state != .released else { throw LabStoreError.releasedDoseIsImmutable(id) }
            guard dose.supersededAt == nil else { throw LabStoreError.doseSuperseded(id) }
            guard dose.state.canChange(to: state) else {
                throw LabStoreError.invalidDoseStateChange(from: dose.state, to: state)
            }
            b.append(state.rawValue)
            guard let updated = try session.query(
                "UPDATE doseResult SET state = $2 WHERE id = $1 RETURNING \(Self.doseColumns)", b).first else {
                throw LabStoreError.doseNotFound(id)
            }
            let saved = try Self.decodeDose(updated)
            try Self.audit(saved, action: action, audit: audit, at: stamp, in: session)
            return saved
        }
    }

    public func currentDoses(batch: ReadoutBatch.ID) throws(LabStoreError) -> [DoseResult] {
        try withSession("read current doses") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            return try session.query("""
                SELECT \(Self.doseColumns) FROM doseResult WHERE batchID = $1 AND supersededAt IS NULL
                ORDER BY cardID COLLATE "C"
                """, b).map(Self.decodeDose)
        }
    }

    public func doseHistory(card: String) throws(LabStoreError) -> [DoseResult] {
        try withSession("read dose history") { session in
            var b = PostgresBindings()
            b.append(card)
            return try session.query(
                "SELECT \(Self.doseColumns) FROM doseResult WHERE cardID = $1 ORDER BY batchID, version", b)
                .map(Self.decodeDose)
        }
    }

    // MARK: Rows

    /// The flags as the JSON array text the `flags` column holds.
    static func flagsJSON(_ flags: [String]) throws(LabStoreError) -> String {
        do {
            return String(decoding: try JSONEncoder().encode(flags), as: UTF8.self)
        } catch {
            throw LabStoreError.invalidRecord("dose flags cannot be encoded: \(error)")
        }
    }

    static func decodeDose(_ row: PostgresRow) throws -> DoseResult {
        let (id, batchID, cardID, version, hp10, hp007, limit, flagsText, remarks, algorithmID, calibrationID, evaluatedAt,
             supersededAt, stateText) = try row.decode(
            (Int64, Int64, String, Int, Double?, Double?, Double?, String, String, String, String?, Date, Date?, String).self)
        guard let state = DoseState(rawValue: stateText) else {
            throw LabStoreError.corruptRow(table: "doseResult", reason: "unknown state \(stateText)")
        }
        let flags: [String]
        do {
            flags = try JSONDecoder().decode([String].self, from: Data(flagsText.utf8))
        } catch {
            throw LabStoreError.corruptRow(table: "doseResult", reason: "flags of dose \(id): \(error)")
        }
        let evaluation = DoseEvaluation(
            batchID: ReadoutBatch.ID(rawValue: batchID), cardID: cardID, hp10MilliSievert: hp10, hp007MilliSievert: hp007,
            detectionLimitMilliSievert: limit, flags: flags, remarks: remarks, algorithmID: algorithmID,
            calibrationID: calibrationID, evaluatedAt: evaluatedAt, state: state)
        return DoseResult(id: DoseResult.ID(rawValue: id), version: version, supersededAt: supersededAt, evaluation: evaluation)
    }
}
