import Foundation
import LabStore
import PostgresNIO

/// The card cycle's role (``CardCycleStore``) on PostgreSQL: inspections, read and released cards,
/// anneal runs and zeroing (the SQLite twin: SQLiteLabStore+Cycle.swift, the same checks, orders and
/// errors); the card reads are with the cards (PostgresLabStore+Customers.swift). Each card is locked
/// (`FOR UPDATE`) before it is checked and moved; the interlock triggers (PostgresTriggerSQL) check
/// every move again.
extension PostgresLabStore: CardCycleStore {
    // MARK: Inspections

    /// Records an inspection and moves the card: on arrival `returned → inspected` (fit, manual QA)
    /// or `→ retired`; before reissue `zeroed → available` (fit) or `→ retired`.
    public func saveInspection(_ inspection: CardInspection) throws(LabStoreError) -> CardInspection {
        try inspection.validate()
        let damagesJSON: String
        do {
            damagesJSON = String(decoding: try JSONEncoder().encode(inspection.damages), as: UTF8.self)
        } catch {
            throw .unexpected(operation: "save inspection", message: "damages: \(error)")
        }
        let stamp = storedTime(now())
        let saved = try transaction("save inspection") { session -> CardInspection in
            let card = try Self.existingCard(inspection.cardID, in: session)
            let target = try inspection.move(of: card)
            var row = inspection
            row.inspectedAt = stamp
            row.issueID = inspection.issueID ?? card.currentIssueID
            var b = PostgresBindings()
            b.append(row.cardID); b.append(row.issueID?.rawValue); b.append(row.stage.rawValue); b.append(row.outcome.rawValue)
            b.append(damagesJSON); b.append(row.remark); b.append(row.inspectedBy); b.append(stamp)
            guard let id = try session.query("""
                INSERT INTO cardInspection (cardID, issueID, stage, outcome, damages, remark, inspectedBy, inspectedAt)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id
                """, b).first?.decode(Int64.self) else {
                throw LabStoreError.unexpected(operation: "save inspection", message: "no row returned")
            }
            row.id = CardInspection.ID(rawValue: id)
            if target == .available {
                try Self.move(card, to: target, at: stamp, step: "be made available", in: session,
                              set: [(column: "currentIssueID", value: nil)])
            } else {
                try Self.move(card, to: target, at: stamp, step: "move on after inspection", in: session)
            }
            return row
        }
        logger.info("card inspected", metadata: [
            "card": "\(inspection.cardID)", "stage": "\(inspection.stage.rawValue)", "outcome": "\(inspection.outcome.rawValue)",
        ])
        return saved
    }

    public func inspections(cardID: String) throws(LabStoreError) -> [CardInspection] {
        try withSession("list inspections") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query("""
                SELECT id, cardID, issueID, stage, outcome, damages::text, remark, inspectedBy, inspectedAt
                FROM cardInspection WHERE cardID = $1 ORDER BY id
                """, b).map(Self.decodeInspection)
        }
    }

    static func decodeInspection(_ row: PostgresRow) throws -> CardInspection {
        let (id, cardID, issueID, stageText, outcomeText, damagesJSON, remark, inspectedBy, inspectedAt) =
            try row.decode((Int64, String, Int64?, String, String, String, String, String, Date).self)
        guard let stage = InspectionStage(rawValue: stageText), let outcome = InspectionOutcome(rawValue: outcomeText) else {
            throw LabStoreError.corruptRow(table: "cardInspection", reason: "unknown stage or outcome \"\(stageText)\", \"\(outcomeText)\"")
        }
        let damages: [Damage]
        do { damages = try JSONDecoder().decode([Damage].self, from: Data(damagesJSON.utf8)) } catch {
            throw LabStoreError.corruptRow(table: "cardInspection", reason: "damages: \(error)")
        }
        return CardInspection(
            id: CardInspection.ID(rawValue: id), cardID: cardID, issueID: issueID.map(CardIssue.ID.init(rawValue:)),
            stage: stage, outcome: outcome, damages: damages, remark: remark, inspectedBy: inspectedBy, inspectedAt: inspectedAt)
    }

    // MARK: Read and released

    /// Moves every `inspected` card with a complete readout in the batch to `read` and links its issue
    /// to the batch. Returns the cards moved.
    @discardableResult
    public func markCardsRead(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String] {
        let states = try cardStates(batch: batch)
        let stamp = storedTime(now())
        return try transaction("mark cards read") { session -> [String] in
            var moved: [String] = []
            for state in states where state.isComplete {
                guard let card = try Self.card(state.cardID, forUpdate: true, in: session), card.state == .inspected else { continue }
                try Self.move(card, to: .read, at: stamp, step: "be marked read", in: session,
                              set: [(column: "lastBatchID", value: batch.rawValue)])
                if let issueID = card.currentIssueID {
                    var b = PostgresBindings()
                    b.append(batch.rawValue); b.append(issueID.rawValue)
                    try session.execute("UPDATE cardIssue SET batchID = $1 WHERE id = $2", b)
                }
                moved.append(card.id)
            }
            return moved
        }
    }

    /// Moves every `read` card whose current dose in its batch is released to `released`.
    @discardableResult
    public func markReleasedCards() throws(LabStoreError) -> [String] {
        let stamp = storedTime(now())
        return try transaction("mark released cards") { session -> [String] in
            let ready = try session.query("""
                SELECT \(Self.cardColumns) FROM card WHERE state = 'read' AND EXISTS (
                    SELECT 1 FROM doseResult d WHERE d.cardID = card.id AND d.batchID = card.lastBatchID
                    AND d.supersededAt IS NULL AND d.state = 'released')
                ORDER BY id COLLATE "C" FOR UPDATE
                """).map(Self.decodeCard)
            for card in ready { try Self.move(card, to: .released, at: stamp, step: "be released", in: session) }
            return ready.map(\.id)
        }
    }

    // MARK: Anneal and zeroing

    /// Records an anneal run with each card's read-back; cards at background level move
    /// `released → annealed`, the others stay `released` for another anneal.
    public func recordAnneal(
        _ record: AnnealRecord, residuals: [String: Double], backgroundLevelMilliSievert: Double
    ) throws(LabStoreError) -> [AnnealCheck] {
        guard backgroundLevelMilliSievert > 0, backgroundLevelMilliSievert.isFinite else {
            throw .nonFiniteValue(field: "backgroundLevelMilliSievert")
        }
        for value in residuals.values { try StoreValidation.finite(value, field: "residualHp10MilliSievert") }
        let stamp = storedTime(now())
        return try transaction("record anneal") { session -> [AnnealCheck] in
            var r = PostgresBindings()
            r.append(record.method.rawValue); r.append(record.profile); r.append(record.startedAt); r.append(record.endedAt)
            guard let runRow = try session.query("""
                INSERT INTO annealRecord (method, profile, startedAt, endedAt) VALUES ($1, $2, $3, $4) RETURNING id
                """, r).first else {
                throw LabStoreError.unexpected(operation: "record anneal", message: "no id")
            }
            let runID = AnnealRecord.ID(rawValue: try runRow.decode(Int64.self))
            var checks: [AnnealCheck] = []
            for cardID in residuals.keys.sorted() {
                let card = try Self.existingCard(cardID, in: session)
                guard card.state == .released else {
                    throw LabStoreError.cardInWrongState(cardID: cardID, state: card.state, step: "be annealed (its dose must be released first)")
                }
                var check = AnnealCheck(
                    annealID: runID, cardID: cardID, residualHp10MilliSievert: residuals[cardID] ?? 0,
                    backgroundLevelMilliSievert: backgroundLevelMilliSievert, checkedAt: stamp)
                var c = PostgresBindings()
                c.append(runID.rawValue); c.append(cardID); c.append(check.residualHp10MilliSievert)
                c.append(check.backgroundLevelMilliSievert); c.append(check.passed); c.append(stamp)
                guard let id = try session.query("""
                    INSERT INTO annealCheck (annealID, cardID, residualHp10MilliSievert, backgroundLevelMilliSievert, passed, checkedAt)
                    VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                    """, c).first?.decode(Int64.self) else {
                    throw LabStoreError.unexpected(operation: "record anneal", message: "no check row returned")
                }
                check.id = AnnealCheck.ID(rawValue: id)
                if check.passed { try Self.move(card, to: .annealed, at: stamp, step: "be annealed", in: session) }
                checks.append(check)
            }
            return checks
        }
    }

    public func annealChecks(cardID: String) throws(LabStoreError) -> [AnnealCheck] {
        try withSession("list anneal checks") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query("""
                SELECT id, annealID, cardID, residualHp10MilliSievert, backgroundLevelMilliSievert, passed, checkedAt
                FROM annealCheck WHERE cardID = $1 ORDER BY id
                """, b).map { row in
                let (id, annealID, cardID, residual, background, passed, checkedAt) =
                    try row.decode((Int64, Int64, String, Double, Double, Bool, Date).self)
                var check = AnnealCheck(
                    id: AnnealCheck.ID(rawValue: id), annealID: AnnealRecord.ID(rawValue: annealID), cardID: cardID,
                    residualHp10MilliSievert: residual, backgroundLevelMilliSievert: background, checkedAt: checkedAt)
                check.passed = passed
                return check
            }
        }
    }

    /// Every anneal run, oldest first.
    public func annealRecords() throws(LabStoreError) -> [AnnealRecord] {
        try withSession("list anneal runs") { session in
            try session.query("SELECT id, method, profile, startedAt, endedAt FROM annealRecord ORDER BY id").map { row in
                let (id, methodText, profile, startedAt, endedAt) = try row.decode((Int64, String, String, Date, Date).self)
                guard let method = AnnealMethod(rawValue: methodText) else {
                    throw LabStoreError.corruptRow(table: "annealRecord", reason: "unknown method \"\(methodText)\"")
                }
                return AnnealRecord(id: AnnealRecord.ID(rawValue: id), method: method, profile: profile, startedAt: startedAt, endedAt: endedAt)
            }
        }
    }

    /// Zeroes annealed cards: each moves `annealed → zeroed` and its elements get `zeroedAt`.
    /// - Throws: ``LabStoreError/doseNotReleased(cardID:)``; nothing is zeroed then.
    public func zeroCards(_ cardIDs: [String]) throws(LabStoreError) {
        let stamp = storedTime(now())
        try transaction("zero cards") { session in
            for cardID in cardIDs {
                let card = try Self.existingCard(cardID, in: session)
                guard try Self.hasReleasedDose(card, in: session) else { throw LabStoreError.doseNotReleased(cardID: cardID) }
                guard card.state == .annealed else {
                    throw LabStoreError.cardInWrongState(cardID: cardID, state: card.state, step: "be zeroed (anneal and background check first)")
                }
                try Self.move(card, to: .zeroed, at: stamp, step: "be zeroed", in: session)
                var b = PostgresBindings()
                b.append(stamp); b.append(cardID)
                try session.execute("UPDATE cardElement SET zeroedAt = $1 WHERE cardID = $2", b)
            }
        }
        logger.info("cards zeroed", metadata: ["cards": "\(cardIDs.count)"])
    }

    /// Whether the card's current dose in its last batch is released.
    static func hasReleasedDose(_ card: Card, in session: PostgresSession) throws -> Bool {
        guard let batch = card.lastBatchID else { return false }
        var b = PostgresBindings()
        b.append(batch.rawValue); b.append(card.id); b.append(DoseState.released.rawValue)
        return try !session.query("""
            SELECT 1 FROM doseResult WHERE batchID = $1 AND cardID = $2 AND supersededAt IS NULL AND state = $3 LIMIT 1
            """, b).isEmpty
    }
}
