import Foundation
import GRDB

extension SQLiteLabStore {
    public func saveDose(_ evaluation: DoseEvaluation) throws(LabStoreError) -> DoseResult {
        try StoreValidation.cardID(evaluation.cardID)
        try StoreValidation.finite(evaluation.hp10MilliSievert, field: "hp10MilliSievert")
        try StoreValidation.finite(evaluation.hp007MilliSievert, field: "hp007MilliSievert")
        try StoreValidation.finite(evaluation.detectionLimitMilliSievert, field: "detectionLimitMilliSievert")
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
            return try Self.refetch(DoseResult.self, id: dose.id, in: db)
        }
        logger.info("saved dose", metadata: [
            "batch": "\(evaluation.batchID)", "card": "\(evaluation.cardID)", "version": "\(dose.version)",
            "state": "\(dose.state.rawValue)",
        ])
        return dose
    }

    public func setDoseState(id: DoseResult.ID, to state: DoseState) throws(LabStoreError) -> DoseResult {
        try write("change dose state", table: DoseResult.databaseTableName) { db in
            guard let dose = try DoseResult.fetchOne(db, key: id) else { throw LabStoreError.doseNotFound(id) }
            guard dose.state != .released else { throw LabStoreError.releasedDoseIsImmutable(id) }
            guard dose.supersededAt == nil else { throw LabStoreError.doseSuperseded(id) }
            guard dose.state.canChange(to: state) else {
                throw LabStoreError.invalidDoseStateChange(from: dose.state, to: state)
            }
            try db.execute(sql: "UPDATE doseResult SET state = ? WHERE id = ?", arguments: [state, id])
            return try Self.refetch(DoseResult.self, id: id, in: db)
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
}
