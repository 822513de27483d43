import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func saveDose(_ evaluation: DoseEvaluation) throws(LabStoreError) -> DoseResult {
        try saveDose(evaluation, audit: .automatic, action: .evaluated)
    }

    public func saveDose(
        _ evaluation: DoseEvaluation, audit: DoseAudit, action: DoseAuditEntry.Action
    ) throws(LabStoreError) -> DoseResult {
        try StoreValidation.cardID(evaluation.cardID)
        try StoreValidation.finite(evaluation.hp10MilliSievert, field: "hp10MilliSievert")
        try StoreValidation.finite(evaluation.hp007MilliSievert, field: "hp007MilliSievert")
        try StoreValidation.finite(evaluation.detectionLimitMilliSievert, field: "detectionLimitMilliSievert")
        try Self.validate(audit)
        let supersededAt = now()
        let dose = try write("save dose", table: DoseResult.databaseTableName) { db in
            _ = try Self.existingBatch(evaluation.batchID, in: db)
            let storedElements = try ElementReading
                .filter(ElementReading.Columns.batchID == evaluation.batchID
                        && ElementReading.Columns.cardID == evaluation.cardID
                        && ElementReading.Columns.status == ElementStatus.stored)
                .fetchCount(db)
            guard storedElements > 0 else {
                throw LabStoreError.noStoredReadings(batch: evaluation.batchID, cardID: evaluation.cardID)
            }
            let latestVersion = try Int.fetchOne(db, sql: """
                SELECT MAX(version) FROM doseResult WHERE batchID = ? AND cardID = ?
                """, arguments: [evaluation.batchID, evaluation.cardID]) ?? 0
            try db.execute(sql: """
                UPDATE doseResult SET supersededAt = ?
                WHERE batchID = ? AND cardID = ? AND supersededAt IS NULL
                """, arguments: [supersededAt, evaluation.batchID, evaluation.cardID])
            var dose = DoseResult(version: latestVersion + 1, evaluation: evaluation)
            try dose.insert(db)
            let saved = try Self.refetch(DoseResult.self, id: dose.id, in: db)
            try Self.audit(saved, action: action, audit: audit, at: supersededAt, in: db)
            return saved
        }
        logger.info("saved dose", metadata: [
            "batch": "\(evaluation.batchID)", "card": "\(evaluation.cardID)", "version": "\(dose.version)",
            "state": "\(dose.state.rawValue)", "who": "\(audit.who)",
        ])
        return dose
    }

    public func setDoseState(id: DoseResult.ID, to state: DoseState) throws(LabStoreError) -> DoseResult {
        try setDoseState(id: id, to: state, audit: DoseAudit(who: "system", why: "state change"), action: .stateChanged)
    }

    public func setDoseState(
        id: DoseResult.ID, to state: DoseState, audit: DoseAudit, action: DoseAuditEntry.Action
    ) throws(LabStoreError) -> DoseResult {
        try Self.validate(audit)
        let stamp = now()
        return try write("change dose state", table: DoseResult.databaseTableName) { db in
            guard let dose = try DoseResult.fetchOne(db, key: id) else { throw LabStoreError.doseNotFound(id) }
            guard dose.state != .released else { throw LabStoreError.releasedDoseIsImmutable(id) }
            guard dose.supersededAt == nil else { throw LabStoreError.doseSuperseded(id) }
            guard dose.state.canChange(to: state) else {
                throw LabStoreError.invalidDoseStateChange(from: dose.state, to: state)
            }
            try db.execute(sql: "UPDATE doseResult SET state = ? WHERE id = ?", arguments: [state, id])
            let saved = try Self.refetch(DoseResult.self, id: id, in: db)
            try Self.audit(saved, action: action, audit: audit, at: stamp, in: db)
            return saved
        }
    }

    public func currentDoses(batch: ReadoutBatch.ID) throws(LabStoreError) -> [DoseResult] {
        try read("read current doses", table: DoseResult.databaseTableName) { db in
            try DoseResult
                .filter(DoseResult.Columns.batchID == batch && DoseResult.Columns.supersededAt == nil)
                .order(DoseResult.Columns.cardID)
                .fetchAll(db)
        }
    }

    public func doseHistory(card: String) throws(LabStoreError) -> [DoseResult] {
        try read("read dose history", table: DoseResult.databaseTableName) { db in
            try DoseResult
                .filter(DoseResult.Columns.cardID == card)
                .order(DoseResult.Columns.batchID, DoseResult.Columns.version)
                .fetchAll(db)
        }
    }

    public func doseAudit(cardID: String) throws(LabStoreError) -> [DoseAuditEntry] {
        try read("read dose audit", table: DoseAuditEntry.databaseTableName) { db in
            try DoseAuditEntry.filter(Column("cardID") == cardID).order(Column("id")).fetchAll(db)
        }
    }

    public func dosesNeedingReview() throws(LabStoreError) -> [DoseResult] {
        try read("list doses needing review", table: DoseResult.databaseTableName) { db in
            try DoseResult
                .filter(DoseResult.Columns.supersededAt == nil && DoseResult.Columns.state == DoseState.needsReview)
                .order(DoseResult.Columns.batchID, DoseResult.Columns.cardID)
                .fetchAll(db)
        }
    }

    public func dose(id: DoseResult.ID) throws(LabStoreError) -> DoseResult? {
        try read("read dose", table: DoseResult.databaseTableName) { db in try DoseResult.fetchOne(db, key: id) }
    }

    static func validate(_ audit: DoseAudit) throws(LabStoreError) {
        try audit.validate()
    }

    static func audit(_ dose: DoseResult, action: DoseAuditEntry.Action, audit: DoseAudit, at date: Date, in db: Database) throws {
        guard let id = dose.id else { return }
        var entry = DoseAuditEntry(
            doseID: id, cardID: dose.cardID, version: dose.version, action: action, state: dose.state,
            who: audit.who, why: audit.why, at: date)
        try entry.insert(db)
    }
}
