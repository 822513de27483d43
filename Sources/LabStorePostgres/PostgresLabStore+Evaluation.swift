import Foundation
import LabStore
import PostgresNIO

/// The evaluation role (``EvaluationStore``) on PostgreSQL: the batch's evaluation state, doses saved
/// with their review reasons, cards without a dose, the customers' levels and the attribution of
/// readings to the lab's issues. The SQLite twin is SQLiteLabStore+Evaluation.swift: the same checks
/// in the same order and the same ``LabStoreError`` cases.
///
/// SQLite has one writer, so a check and the write after it see the same rows. Here several benches
/// write at once, so each write locks what its check reads first: the batch row (`FOR UPDATE`) before
/// its evaluation state is read and set; the card's dose versions (the advisory lock of
/// ``saveDose(_:audit:action:)``) before a version is numbered; the dose row before it is routed to
/// review; a customer's levels day by its primary key (`ON CONFLICT DO NOTHING`, so the loser of two
/// desks gets the same refusal as on SQLite, not a constraint error).
extension PostgresLabStore: EvaluationStore {
    // MARK: Batch evaluation state

    public func batchEvaluation(id: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState {
        try withSession("read batch evaluation") { session in
            _ = try Self.existingBatch(id, in: session)
            return try Self.evaluationState(id, in: session)
        }
    }

    public func markBatchNotForDoses(id: ReadoutBatch.ID) throws(LabStoreError) {
        try transaction("mark batch not for doses") { session in
            _ = try Self.existingBatch(id, in: session, lock: "FOR UPDATE")
            var b = PostgresBindings()
            b.append(id.rawValue)
            try session.execute("UPDATE readoutBatch SET evaluation = 'notForDoses' WHERE id = $1", b)
        }
    }

    public func concludeEvaluation(batch: ReadoutBatch.ID) throws(LabStoreError) -> BatchEvaluationState {
        let stamp = storedTime(now())
        return try transaction("conclude batch evaluation") { session -> BatchEvaluationState in
            // The batch row is locked: two benches concluding the same batch take turns, and the count
            // below sees every dose and reason committed before.
            let b = try Self.existingBatch(batch, in: session, lock: "FOR UPDATE")
            let state = try Self.evaluationState(batch, in: session)
            guard state != .notForDoses, b.state == .complete else { return state }
            var key = PostgresBindings()
            key.append(batch.rawValue)
            let missing = try session.query("""
                SELECT count(DISTINCT r.cardID) FROM elementReading r WHERE r.batchID = $1
                AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = r.batchID AND d.cardID = r.cardID AND d.supersededAt IS NULL)
                AND NOT EXISTS (SELECT 1 FROM cardNotEvaluated n WHERE n.batchID = r.batchID AND n.cardID = r.cardID)
                """, key).first?.decode(Int64.self) ?? 0
            let next: BatchEvaluationState = missing == 0 ? .evaluated : .pending
            if next != state {
                var u = PostgresBindings()
                u.append(next.rawValue); u.append(next == .evaluated ? stamp : nil); u.append(batch.rawValue)
                try session.execute("UPDATE readoutBatch SET evaluation = $1, evaluatedAt = $2 WHERE id = $3", u)
            }
            return next
        }
    }

    public func completeBatches(evaluation: BatchEvaluationState) throws(LabStoreError) -> [ReadoutBatch] {
        try withSession("list batches by evaluation") { session in
            var b = PostgresBindings()
            b.append(evaluation.rawValue)
            return try session.query(
                "SELECT \(Self.batchColumns) FROM readoutBatch WHERE state = 'complete' AND evaluation = $1 ORDER BY id", b)
                .map(Self.decodeBatch)
        }
    }

    // MARK: Doses and reasons

    public func saveEvaluatedDose(
        _ evaluation: DoseEvaluation, reviewReasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult {
        try StoreValidation.cardID(evaluation.cardID)
        try StoreValidation.finite(evaluation.hp10MilliSievert, field: "hp10MilliSievert")
        try StoreValidation.finite(evaluation.hp007MilliSievert, field: "hp007MilliSievert")
        try StoreValidation.finite(evaluation.detectionLimitMilliSievert, field: "detectionLimitMilliSievert")
        try audit.validate()
        var routed = evaluation
        if !reviewReasons.isEmpty && routed.state == .evaluated { routed.state = .needsReview }
        let flags = try Self.flagsJSON(routed.flags)
        let stamp = storedTime(now())
        let dose = try transaction("save evaluated dose") { session -> DoseResult in
            let saved = try Self.insertNextVersion(routed, flags: flags, supersededAt: stamp, operation: "save evaluated dose", in: session)
            guard let doseID = saved.id else { throw LabStoreError.unexpected(operation: "save evaluated dose", message: "no id") }
            var seen = Set<ReviewReason>()
            for r in reviewReasons where seen.insert(r.reason).inserted {
                try Self.insertReviewReason(doseID, r.reason, r.detail, in: session)
            }
            var key = PostgresBindings()
            key.append(routed.batchID.rawValue); key.append(routed.cardID)
            try session.execute("DELETE FROM cardNotEvaluated WHERE batchID = $1 AND cardID = $2", key)
            try Self.audit(saved, action: .evaluated, audit: audit, at: stamp, in: session)
            return saved
        }
        logger.info("saved evaluated dose", metadata: [
            "batch": "\(evaluation.batchID)", "card": "\(evaluation.cardID)", "version": "\(dose.version)", "state": "\(dose.state.rawValue)",
        ])
        return dose
    }

    public func routeToReview(
        dose id: DoseResult.ID, reasons: [(reason: ReviewReason, detail: String)], audit: DoseAudit
    ) throws(LabStoreError) -> DoseResult {
        try audit.validate()
        let stamp = storedTime(now())
        return try transaction("route dose to review") { session -> DoseResult in
            var b = PostgresBindings()
            b.append(id.rawValue)
            // FOR UPDATE: a second bench routing the same dose, a release or a re-evaluation that
            // supersedes it waits for this one (or this one for it) and then sees its result.
            guard let row = try session.query("SELECT \(Self.doseColumns) FROM doseResult WHERE id = $1 FOR UPDATE", b).first else {
                throw LabStoreError.doseNotFound(id)
            }
            let dose = try Self.decodeDose(row)
            guard dose.supersededAt == nil else { throw LabStoreError.doseSuperseded(id) }
            guard dose.state == .evaluated else { throw LabStoreError.invalidDoseStateChange(from: dose.state, to: .needsReview) }
            guard let updated = try session.query(
                "UPDATE doseResult SET state = 'needsReview' WHERE id = $1 RETURNING \(Self.doseColumns)", b).first else {
                throw LabStoreError.doseNotFound(id)
            }
            let known = try session.query("SELECT reason FROM doseReviewReason WHERE doseID = $1", b).map { try $0.decode(String.self) }
            var seen = Set(known.compactMap(ReviewReason.init(rawValue:)))
            for r in reasons where seen.insert(r.reason).inserted {
                try Self.insertReviewReason(id, r.reason, r.detail, in: session)
            }
            let saved = try Self.decodeDose(updated)
            try Self.audit(saved, action: .stateChanged, audit: audit, at: stamp, in: session)
            return saved
        }
    }

    public func recordNotEvaluated(_ row: CardNotEvaluated) throws(LabStoreError) {
        try StoreValidation.cardID(row.cardID)
        try transaction("record card not evaluated") { session in
            _ = try Self.existingBatch(row.batchID, in: session)
            var b = PostgresBindings()
            b.append(row.batchID.rawValue); b.append(row.cardID); b.append(row.reason.rawValue); b.append(row.detail)
            b.append(storedTime(row.recordedAt))
            // Recorded or replaced (SQLite's `save`): one row per card and batch.
            try session.execute("""
                INSERT INTO cardNotEvaluated (batchID, cardID, reason, detail, recordedAt) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (batchID, cardID) DO UPDATE SET reason = EXCLUDED.reason, detail = EXCLUDED.detail, recordedAt = EXCLUDED.recordedAt
                """, b)
        }
    }

    public func notEvaluatedCards(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardNotEvaluated] {
        try withSession("list cards not evaluated") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            return try session.query("""
                SELECT batchID, cardID, reason, detail, recordedAt FROM cardNotEvaluated WHERE batchID = $1 ORDER BY cardID COLLATE "C"
                """, b).map { row in
                let (batchID, cardID, reasonText, detail, recordedAt) = try row.decode((Int64, String, String, String, Date).self)
                guard let reason = NotEvaluatedReason(rawValue: reasonText) else {
                    throw LabStoreError.corruptRow(table: "cardNotEvaluated", reason: "unknown reason \(reasonText)")
                }
                return CardNotEvaluated(batchID: ReadoutBatch.ID(rawValue: batchID), cardID: cardID, reason: reason, detail: detail,
                                        recordedAt: recordedAt)
            }
        }
    }

    public func reviewReasons(dose: DoseResult.ID) throws(LabStoreError) -> [DoseReviewReason] {
        try withSession("list review reasons") { session in
            var b = PostgresBindings()
            b.append(dose.rawValue)
            // In the order written, as SQLite's rowid gives them: the table is append-only (its triggers
            // refuse UPDATE and DELETE) and a dose's reasons are written in one transaction (or added
            // by a later one), so their heap order is the order they were inserted.
            return try session.query("SELECT doseID, reason, detail FROM doseReviewReason WHERE doseID = $1 ORDER BY ctid", b).map { row in
                let (doseID, reasonText, detail) = try row.decode((Int64, String, String).self)
                guard let reason = ReviewReason(rawValue: reasonText) else {
                    throw LabStoreError.corruptRow(table: "doseReviewReason", reason: "unknown reason \(reasonText)")
                }
                return DoseReviewReason(doseID: DoseResult.ID(rawValue: doseID), reason: reason, detail: detail)
            }
        }
    }

    // MARK: Levels

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
        row.setAt = storedTime(now())
        return try transaction("save customer levels") { session -> CustomerLevels in
            guard try Self.customer(levels.customerID, in: session) != nil else { throw LabStoreError.customerNotFound(levels.customerID) }
            var b = PostgresBindings()
            b.append(row.customerID); b.append(row.validFrom.description); b.append(row.reviewMilliSievert); b.append(row.reportMilliSievert)
            b.append(row.setAt); b.append(row.recordingQuarterMilliSievert); b.append(row.investigationQuarterMilliSievert)
            b.append(row.interventionQuarterMilliSievert); b.append(row.investigationYearMilliSievert)
            b.append(row.interventionYearMilliSievert); b.append(row.doseConstraintYearMilliSievert); b.append(row.setBy)
            // Two desks setting the same day at once: the second finds the first's row (no constraint error).
            let inserted = try session.query("""
                INSERT INTO customerLevels (customerID, validFrom, reviewMilliSievert, reportMilliSievert, setAt,
                    recordingQuarterMilliSievert, investigationQuarterMilliSievert, interventionQuarterMilliSievert,
                    investigationYearMilliSievert, interventionYearMilliSievert, doseConstraintYearMilliSievert, setBy)
                VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (customerID, validFrom) DO NOTHING RETURNING 1
                """, b)
            guard !inserted.isEmpty else {
                throw LabStoreError.invalidRecord("levels of \(levels.customerID) from \(levels.validFrom) are already set; levels are history: give a later --valid-from")
            }
            return row
        }
    }

    public func levels(customerID: String, on day: CalendarDay) throws(LabStoreError) -> CustomerLevels {
        try withSession("read customer levels") { session in
            var b = PostgresBindings()
            b.append(customerID); b.append(day.description)
            return try session.query("""
                SELECT \(Self.levelsColumns) FROM customerLevels WHERE customerID = $1 AND validFrom <= $2::date
                ORDER BY validFrom DESC LIMIT 1
                """, b).first.map(Self.decodeLevels) ?? .defaults(customerID: customerID)
        }
    }

    public func levelsHistory(customerID: String) throws(LabStoreError) -> [CustomerLevels] {
        try withSession("read customer levels") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query(
                "SELECT \(Self.levelsColumns) FROM customerLevels WHERE customerID = $1 ORDER BY validFrom", b).map(Self.decodeLevels)
        }
    }

    // MARK: Documents

    public func arrivalInspections(customerID: String) throws(LabStoreError) -> [CardIssue.ID: CardInspection] {
        try withSession("list a customer's arrival inspections") { session in
            var b = PostgresBindings()
            b.append(customerID)
            let rows = try session.query("""
                SELECT n.id, n.cardID, n.issueID, n.stage, n.outcome, n.damages::text, n.remark, n.inspectedBy, n.inspectedAt
                FROM cardInspection n JOIN cardIssue i ON i.id = n.issueID
                WHERE i.customerID = $1 AND n.stage = 'arrival' ORDER BY n.id
                """, b).map(Self.decodeInspection)
            var out: [CardIssue.ID: CardInspection] = [:]
            for r in rows { if let issue = r.issueID { out[issue] = r } }
            return out
        }
    }

    // MARK: Attribution

    public func expectedCards() throws(LabStoreError) -> [ExpectedCard] {
        try withSession("list expected cards") { session in
            try session.query("""
                SELECT c.id, i.id, i.customerID, i.enrolmentID, e.dosimeterType,
                  to_char(i.periodStart, 'YYYY-MM-DD'), to_char(i.periodEnd, 'YYYY-MM-DD'),
                  (SELECT max(a.endedAt) FROM annealCheck k JOIN annealRecord a ON a.id = k.annealID
                   WHERE k.cardID = c.id AND k.passed AND k.checkedAt <= i.issuedAt),
                  (SELECT min(z.zeroedAt) FROM cardElement z WHERE z.cardID = c.id)
                FROM card c JOIN cardIssue i ON i.id = c.currentIssueID JOIN enrolment e ON e.id = i.enrolmentID
                WHERE c.state IN ('returned', 'inspected') AND i.batchID IS NULL
                ORDER BY c.id COLLATE "C"
                """).map { row in
                let (cardID, issueID, customerID, enrolmentID, type, start, end, annealedAt, zeroedAt) =
                    try row.decode((String, Int64, String, Int64, String, String, String, Date?, Date?).self)
                guard let dosimeterType = DosimeterType(rawValue: type) else {
                    throw LabStoreError.corruptRow(table: "enrolment", reason: "unknown dosimeter type \"\(type)\"")
                }
                guard let periodStart = try Self.day(start, table: "cardIssue"), let periodEnd = try Self.day(end, table: "cardIssue") else {
                    throw LabStoreError.corruptRow(table: "cardIssue", reason: "issue \(issueID) without its period")
                }
                return ExpectedCard(
                    cardID: cardID, issueID: CardIssue.ID(rawValue: issueID), customerID: customerID,
                    enrolmentID: Enrolment.ID(rawValue: enrolmentID), dosimeterType: dosimeterType,
                    periodStart: periodStart, periodEnd: periodEnd, annealedAt: annealedAt, zeroedAt: zeroedAt)
            }
        }
    }

    public func attributeReadings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String] {
        let moved = try markCardsRead(batch: batch)
        try transaction("link issues to batch") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            try session.execute("""
                UPDATE cardIssue SET batchID = $1 WHERE batchID IS NULL AND id IN (
                    SELECT m.issueID FROM batchCard m WHERE m.batchID = $1 AND m.issueID IS NOT NULL)
                """, b)
        }
        return moved
    }

    // MARK: Rows

    static func evaluationState(_ batch: ReadoutBatch.ID, in session: PostgresSession) throws -> BatchEvaluationState {
        var b = PostgresBindings()
        b.append(batch.rawValue)
        guard let text = try session.query("SELECT evaluation FROM readoutBatch WHERE id = $1", b).first?.decode(String.self) else {
            return .pending
        }
        guard let state = BatchEvaluationState(rawValue: text) else {
            throw LabStoreError.corruptRow(table: "readoutBatch", reason: "unknown evaluation state \(text)")
        }
        return state
    }

    static func insertReviewReason(_ dose: DoseResult.ID, _ reason: ReviewReason, _ detail: String, in session: PostgresSession) throws {
        var b = PostgresBindings()
        b.append(dose.rawValue); b.append(reason.rawValue); b.append(detail)
        try session.execute("INSERT INTO doseReviewReason (doseID, reason, detail) VALUES ($1, $2, $3)", b)
    }

    static let levelsColumns = """
        customerID, to_char(validFrom, 'YYYY-MM-DD'), reviewMilliSievert, reportMilliSievert, setAt, recordingQuarterMilliSievert,
        investigationQuarterMilliSievert, interventionQuarterMilliSievert, investigationYearMilliSievert,
        interventionYearMilliSievert, doseConstraintYearMilliSievert, setBy
        """

    static func decodeLevels(_ row: PostgresRow) throws -> CustomerLevels {
        let (customerID, from, review, report, setAt, recording, invQ, intQ, invY, intY, constraint, setBy) = try row.decode(
            (String, String, Double, Double, Date, Double, Double, Double, Double, Double, Double, String).self)
        guard let validFrom = try day(from, table: "customerLevels") else {
            throw LabStoreError.corruptRow(table: "customerLevels", reason: "levels of \(customerID) without a valid-from day")
        }
        return CustomerLevels(
            customerID: customerID, validFrom: validFrom, reviewMilliSievert: review, reportMilliSievert: report, setAt: setAt,
            recordingQuarterMilliSievert: recording, investigationQuarterMilliSievert: invQ, interventionQuarterMilliSievert: intQ,
            investigationYearMilliSievert: invY, interventionYearMilliSievert: intY, doseConstraintYearMilliSievert: constraint,
            setBy: setBy)
    }
}
