import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: EvaluationStore {
    public func batchEvaluation(id: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState {
        try read("read batch evaluation", table: ReadoutBatch.databaseTableName) { db in
            _ = try Self.existingBatch(id, in: db)
            return try BatchEvaluationState.fetchOne(db, sql: "SELECT evaluation FROM readoutBatch WHERE id = ?", arguments: [id]) ?? .pending
        }
    }

    public func markBatchNotForDoses(id: ReadoutBatch.ID) throws(LabStoreError) {
        try write("mark batch not for doses", table: ReadoutBatch.databaseTableName) { db in
            _ = try Self.existingBatch(id, in: db)
            try db.execute(sql: "UPDATE readoutBatch SET evaluation = 'notForDoses' WHERE id = ?", arguments: [id])
        }
    }

    public func concludeEvaluation(batch: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState {
        let stamp = now()
        return try write("conclude batch evaluation", table: ReadoutBatch.databaseTableName) { db in
            let b = try Self.existingBatch(batch, in: db)
            let state = try BatchEvaluationState.fetchOne(db, sql: "SELECT evaluation FROM readoutBatch WHERE id = ?", arguments: [batch]) ?? .pending
            guard state != .notForDoses, b.state == .complete else { return state }
            let missing = try Int.fetchOne(db, sql: """
                SELECT count(DISTINCT r.cardID) FROM elementReading r WHERE r.batchID = ?
                AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = r.batchID AND d.cardID = r.cardID AND d.supersededAt IS NULL)
                AND NOT EXISTS (SELECT 1 FROM cardNotEvaluated n WHERE n.batchID = r.batchID AND n.cardID = r.cardID)
                """, arguments: [batch]) ?? 0
            let next: BatchEvaluationState = missing == 0 ? .evaluated : .pending
            if next != state {
                try db.execute(sql: "UPDATE readoutBatch SET evaluation = ?, evaluatedAt = ? WHERE id = ?",
                               arguments: [next, next == .evaluated ? stamp : nil, batch])
            }
            return next
        }
    }

    public func completeBatches(evaluation: BatchEvaluationState) throws(LabStoreError) -> [ReadoutBatch] {
        try read("list batches by evaluation", table: ReadoutBatch.databaseTableName) { db in
            try ReadoutBatch.fetchAll(db, sql: "SELECT * FROM readoutBatch WHERE state = 'complete' AND evaluation = ? ORDER BY id",
                                      arguments: [evaluation])
        }
    }

    public func saveEvaluatedDose(
        _ evaluation: DoseEvaluation, reviewReasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult {
        try StoreValidation.cardID(evaluation.cardID)
        try StoreValidation.finite(evaluation.hp10MilliSievert, field: "hp10MilliSievert")
        try StoreValidation.finite(evaluation.hp007MilliSievert, field: "hp007MilliSievert")
        try StoreValidation.finite(evaluation.detectionLimitMilliSievert, field: "detectionLimitMilliSievert")
        try Self.validate(audit)
        var routed = evaluation
        if !reviewReasons.isEmpty && routed.state == .evaluated { routed.state = .needsReview }
        let stamp = now()
        return try write("save evaluated dose", table: DoseResult.databaseTableName) { db in
            _ = try Self.existingBatch(routed.batchID, in: db)
            let storedElements = try ElementReading
                .filter(ElementReading.Columns.batchID == routed.batchID && ElementReading.Columns.cardID == routed.cardID
                        && ElementReading.Columns.status == ElementStatus.stored)
                .fetchCount(db)
            guard storedElements > 0 else { throw LabStoreError.noStoredReadings(batch: routed.batchID, cardID: routed.cardID) }
            let latest = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM doseResult WHERE batchID = ? AND cardID = ?",
                                          arguments: [routed.batchID, routed.cardID]) ?? 0
            try db.execute(sql: "UPDATE doseResult SET supersededAt = ? WHERE batchID = ? AND cardID = ? AND supersededAt IS NULL",
                           arguments: [stamp, routed.batchID, routed.cardID])
            var dose = DoseResult(version: latest + 1, evaluation: routed)
            try dose.insert(db)
            let saved = try Self.refetch(DoseResult.self, id: dose.id, in: db)
            guard let doseID = saved.id else { throw LabStoreError.unexpected(operation: "save evaluated dose", message: "no id") }
            var seen = Set<ReviewReason>()
            for r in reviewReasons where seen.insert(r.reason).inserted {
                try DoseReviewReason(doseID: doseID, reason: r.reason, detail: r.detail).insert(db)
            }
            try db.execute(sql: "DELETE FROM cardNotEvaluated WHERE batchID = ? AND cardID = ?", arguments: [routed.batchID, routed.cardID])
            try Self.audit(saved, action: .evaluated, audit: audit, at: stamp, in: db)
            return saved
        }
    }

    public func routeToReview(
        dose id: DoseResult.ID, reasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult {
        try Self.validate(audit)
        let stamp = now()
        return try write("route dose to review", table: DoseResult.databaseTableName) { db in
            guard let dose = try DoseResult.fetchOne(db, key: id) else { throw LabStoreError.doseNotFound(id) }
            guard dose.supersededAt == nil else { throw LabStoreError.doseSuperseded(id) }
            guard dose.state == .evaluated else { throw LabStoreError.invalidDoseStateChange(from: dose.state, to: .needsReview) }
            try db.execute(sql: "UPDATE doseResult SET state = 'needsReview' WHERE id = ?", arguments: [id])
            let known = Set(try DoseReviewReason.filter(Column("doseID") == id).fetchAll(db).map(\.reason))
            var seen = known
            for r in reasons where seen.insert(r.reason).inserted {
                try DoseReviewReason(doseID: id, reason: r.reason, detail: r.detail).insert(db)
            }
            let saved = try Self.refetch(DoseResult.self, id: id, in: db)
            try Self.audit(saved, action: .stateChanged, audit: audit, at: stamp, in: db)
            return saved
        }
    }

    public func recordNotEvaluated(_ row: CardNotEvaluated) throws(LabStoreError) {
        try StoreValidation.cardID(row.cardID)
        try write("record card not evaluated", table: CardNotEvaluated.databaseTableName) { db in
            _ = try Self.existingBatch(row.batchID, in: db)
            try row.save(db)
        }
    }

    public func notEvaluatedCards(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardNotEvaluated] {
        try read("list cards not evaluated", table: CardNotEvaluated.databaseTableName) { db in
            try CardNotEvaluated.filter(Column("batchID") == batch).order(Column("cardID")).fetchAll(db)
        }
    }

    public func reviewReasons(dose: DoseResult.ID) throws(LabStoreError) -> [DoseReviewReason] {
        try read("list review reasons", table: DoseReviewReason.databaseTableName) { db in
            try DoseReviewReason.filter(Column("doseID") == dose).order(Column("rowid")).fetchAll(db)
        }
    }

    public func saveLevels(_ levels: CustomerLevels) throws(LabStoreError) -> CustomerLevels {
        for (v, field) in [(levels.reviewMilliSievert, "reviewMilliSievert"), (levels.reportMilliSievert, "reportMilliSievert")] {
            try StoreValidation.finite(v, field: field)
            guard v >= 0, v <= 10_000 else { throw .invalidRecord("\(field) must be between 0 and 10 000 mSv, not \(v)") }
        }
        for (field, v) in levels.monitoringLevels {
            try StoreValidation.finite(v, field: field)
            guard v >= 0, v <= 10_000 else { throw .invalidRecord("the \(field) level must be between 0 and 10 000 mSv, not \(v)") }
        }
        guard levels.investigationQuarterMilliSievert <= levels.interventionQuarterMilliSievert,
              levels.investigationYearMilliSievert <= levels.interventionYearMilliSievert else {
            throw .invalidRecord("an investigation level must not be above the intervention level of the same span")
        }
        guard levels.reviewMilliSievert <= levels.reportMilliSievert else {
            throw .invalidRecord("the review level (\(levels.reviewMilliSievert) mSv) must not be above the report level (\(levels.reportMilliSievert) mSv)")
        }
        var row = levels
        row.setAt = now()
        return try write("save customer levels", table: CustomerLevels.databaseTableName) { db in
            guard try Customer.fetchOne(db, key: levels.customerID) != nil else { throw LabStoreError.customerNotFound(levels.customerID) }
            if try CustomerLevels.filter(Column("customerID") == levels.customerID && Column("validFrom") == levels.validFrom).fetchCount(db) > 0 {
                throw LabStoreError.invalidRecord("levels of \(levels.customerID) from \(levels.validFrom) are already set; levels are history: give a later --valid-from")
            }
            try row.insert(db)
            return row
        }
    }

    public func levels(customerID: String, on day: CalendarDay) throws(LabStoreError) -> CustomerLevels {
        try read("read customer levels", table: CustomerLevels.databaseTableName) { db in
            try CustomerLevels.filter(Column("customerID") == customerID && Column("validFrom") <= day)
                .order(Column("validFrom").desc).fetchOne(db) ?? .defaults(customerID: customerID)
        }
    }

    public func levelsHistory(customerID: String) throws(LabStoreError) -> [CustomerLevels] {
        try read("read customer levels", table: CustomerLevels.databaseTableName) { db in
            try CustomerLevels.filter(Column("customerID") == customerID).order(Column("validFrom")).fetchAll(db)
        }
    }

    public func arrivalInspections(customerID: String) throws(LabStoreError) -> [CardIssue.ID: CardInspection] {
        try read("list a customer's arrival inspections", table: CardInspection.databaseTableName) { db in
            let rows = try CardInspection.fetchAll(db, sql: """
                SELECT n.* FROM cardInspection n JOIN cardIssue i ON i.id = n.issueID
                WHERE i.customerID = ? AND n.stage = 'arrival' ORDER BY n.id
                """, arguments: [customerID])
            var out: [CardIssue.ID: CardInspection] = [:]
            for r in rows { if let issue = r.issueID { out[issue] = r } }
            return out
        }
    }

    public func expectedCards() throws(LabStoreError) -> [ExpectedCard] {
        try read("list expected cards", table: Card.databaseTableName) { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.id AS cardID, i.id AS issueID, i.customerID, i.enrolmentID, e.dosimeterType, i.periodStart, i.periodEnd,
                  (SELECT max(a.endedAt) FROM annealCheck k JOIN annealRecord a ON a.id = k.annealID
                   WHERE k.cardID = c.id AND k.passed = 1 AND k.checkedAt <= i.issuedAt) AS annealedAt,
                  (SELECT min(z.zeroedAt) FROM cardElement z WHERE z.cardID = c.id) AS zeroedAt
                FROM card c JOIN cardIssue i ON i.id = c.currentIssueID JOIN enrolment e ON e.id = i.enrolmentID
                WHERE c.state IN ('returned', 'inspected') AND i.batchID IS NULL
                ORDER BY c.id
                """)
            return rows.map { r in
                ExpectedCard(
                    cardID: r["cardID"], issueID: CardIssue.ID(rawValue: r["issueID"]), customerID: r["customerID"],
                    enrolmentID: Enrolment.ID(rawValue: r["enrolmentID"]), dosimeterType: r["dosimeterType"],
                    periodStart: r["periodStart"], periodEnd: r["periodEnd"], annealedAt: r["annealedAt"], zeroedAt: r["zeroedAt"])
            }
        }
    }

    public func attributeReadings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String] {
        let moved = try markCardsRead(batch: batch)
        try write("link issues to batch", table: CardIssue.databaseTableName) { db in
            try db.execute(sql: """
                UPDATE cardIssue SET batchID = ? WHERE batchID IS NULL AND id IN (
                    SELECT m.issueID FROM batchCard m WHERE m.batchID = ? AND m.issueID IS NOT NULL)
                """, arguments: [batch, batch])
        }
        return moved
    }
}
