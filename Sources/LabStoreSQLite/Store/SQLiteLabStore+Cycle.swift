import Foundation
import GRDB
import LabStore

/// The card cycle's role (``CardCycleStore``) on SQLite: inspections, read and released cards, anneal
/// runs and zeroing; the card reads are with the cards (SQLiteLabStore+Customers.swift).
extension SQLiteLabStore: CardCycleStore {
    public func saveInspection(_ inspection: CardInspection) throws(LabStoreError) -> CardInspection {
        try inspection.validate()
        let stamp = now()
        let saved = try write("save inspection", table: CardInspection.databaseTableName) { db in
            let card = try Self.existingCard(inspection.cardID, in: db)
            let target = try inspection.move(of: card)
            var row = inspection
            row.id = nil
            row.inspectedAt = stamp
            row.issueID = inspection.issueID ?? card.currentIssueID
            try row.insert(db)
            if target == .available {
                try Self.move(card, to: target, at: stamp, step: "be made available", in: db, set: ", currentIssueID = NULL")
            } else {
                try Self.move(card, to: target, at: stamp, step: "move on after inspection", in: db)
            }
            return row
        }
        logger.info("card inspected", metadata: [
            "card": "\(inspection.cardID)", "stage": "\(inspection.stage.rawValue)", "outcome": "\(inspection.outcome.rawValue)",
        ])
        return saved
    }

    public func inspections(cardID: String) throws(LabStoreError) -> [CardInspection] {
        try read("list inspections") { db in
            try CardInspection.filter(Column("cardID") == cardID).order(Column("id")).fetchAll(db)
        }
    }

    public func markCardsRead(batch: ReadoutBatch.ID) throws(LabStoreError) -> [String] {
        let states = try cardStates(batch: batch)
        let stamp = now()
        return try write("mark cards read", table: Card.databaseTableName) { db in
            var moved: [String] = []
            for state in states where state.isComplete {
                guard let card = try Card.fetchOne(db, key: state.cardID), card.state == .inspected else { continue }
                try Self.move(card, to: .read, at: stamp, step: "be marked read", in: db,
                              set: ", lastBatchID = ?", arguments: [batch])
                if let issueID = card.currentIssueID {
                    try db.execute(sql: "UPDATE cardIssue SET batchID = ? WHERE id = ?", arguments: [batch, issueID])
                }
                moved.append(card.id)
            }
            return moved
        }
    }

    public func markReleasedCards() throws(LabStoreError) -> [String] {
        let stamp = now()
        return try write("mark released cards", table: Card.databaseTableName) { db in
            let ready = try Card.fetchAll(db, sql: """
                SELECT card.* FROM card WHERE state = 'read' AND EXISTS (
                    SELECT 1 FROM doseResult d WHERE d.cardID = card.id AND d.batchID = card.lastBatchID
                    AND d.supersededAt IS NULL AND d.state = 'released')
                ORDER BY id
                """)
            for card in ready { try Self.move(card, to: .released, at: stamp, step: "be released", in: db) }
            return ready.map(\.id)
        }
    }

    // MARK: Anneal and zeroing

    public func recordAnneal(
        _ record: AnnealRecord, residuals: [String: Double], backgroundLevelMilliSievert: Double
    ) throws(LabStoreError) -> [AnnealCheck] {
        guard backgroundLevelMilliSievert > 0, backgroundLevelMilliSievert.isFinite else {
            throw .nonFiniteValue(field: "backgroundLevelMilliSievert")
        }
        for value in residuals.values { try StoreValidation.finite(value, field: "residualHp10MilliSievert") }
        let stamp = now()
        return try write("record anneal", table: AnnealRecord.databaseTableName) { db in
            var run = record
            run.id = nil
            try run.insert(db)
            guard let runID = run.id else { throw LabStoreError.unexpected(operation: "record anneal", message: "no id") }
            var checks: [AnnealCheck] = []
            for cardID in residuals.keys.sorted() {
                let card = try Self.existingCard(cardID, in: db)
                guard card.state == .released else {
                    throw LabStoreError.cardInWrongState(cardID: cardID, state: card.state, step: "be annealed (its dose must be released first)")
                }
                var check = AnnealCheck(
                    annealID: runID, cardID: cardID, residualHp10MilliSievert: residuals[cardID] ?? 0,
                    backgroundLevelMilliSievert: backgroundLevelMilliSievert, checkedAt: stamp)
                try check.insert(db)
                if check.passed { try Self.move(card, to: .annealed, at: stamp, step: "be annealed", in: db) }
                checks.append(check)
            }
            return checks
        }
    }

    public func annealChecks(cardID: String) throws(LabStoreError) -> [AnnealCheck] {
        try read("list anneal checks") { db in
            try AnnealCheck.filter(Column("cardID") == cardID).order(Column("id")).fetchAll(db)
        }
    }

    public func annealRecords() throws(LabStoreError) -> [AnnealRecord] {
        try read("list anneal runs") { db in try AnnealRecord.order(Column("id")).fetchAll(db) }
    }

    public func zeroCards(_ cardIDs: [String]) throws(LabStoreError) {
        let stamp = now()
        try write("zero cards", table: Card.databaseTableName) { db in
            for cardID in cardIDs {
                let card = try Self.existingCard(cardID, in: db)
                guard try Self.hasReleasedDose(card, in: db) else { throw LabStoreError.doseNotReleased(cardID: cardID) }
                guard card.state == .annealed else {
                    throw LabStoreError.cardInWrongState(cardID: cardID, state: card.state, step: "be zeroed (anneal and background check first)")
                }
                try Self.move(card, to: .zeroed, at: stamp, step: "be zeroed", in: db)
                try db.execute(sql: "UPDATE cardElement SET zeroedAt = ? WHERE cardID = ?", arguments: [stamp, cardID])
            }
        }
        logger.info("cards zeroed", metadata: ["cards": "\(cardIDs.count)"])
    }
}
