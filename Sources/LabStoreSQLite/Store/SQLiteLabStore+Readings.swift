import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func saveElementReading(_ reading: ElementReading) throws(LabStoreError) -> ElementReading {
        try StoreValidation.cardID(reading.cardID)
        try StoreValidation.outcome(reading.outcome)
        let saved = try write("save element reading", table: ElementReading.databaseTableName) { db in
            let batch = try Self.existingBatch(reading.batchID, in: db)
            guard batch.state == .open else { throw LabStoreError.batchNotOpen(reading.batchID) }
            try StoreValidation.element(reading.element, elementsPerCard: batch.elementsPerCard)
            let existing = try ElementReading
                .filter(ElementReading.Columns.batchID == reading.batchID
                        && ElementReading.Columns.cardID == reading.cardID
                        && ElementReading.Columns.element == reading.element)
                .fetchCount(db)
            guard existing == 0 else {
                throw LabStoreError.duplicateReading(
                    batch: reading.batchID, cardID: reading.cardID, element: reading.element)
            }
            var row = reading
            row.id = nil
            try row.insert(db)
            return try Self.refetch(ElementReading.self, id: row.id, in: db)
        }
        logger.debug("stored element reading", metadata: [
            "batch": "\(reading.batchID)", "card": "\(reading.cardID)", "element": "\(reading.element)",
            "status": "\(reading.status.rawValue)",
        ])
        return saved
    }

    public func saveReadoutCurve(
        batch: ReadoutBatch.ID, card: String, element: Int, readAt: Date, curve: ElementCurve
    ) throws(LabStoreError) -> CurveSaveOutcome {
        try StoreValidation.cardID(card)
        try StoreValidation.outcome(.stored(curve))
        let counts = ChannelBlobCodec.encode(counts: curve.counts)
        let temperatures = ChannelBlobCodec.encode(temperaturesDeciCelsius: curve.temperaturesDeciCelsius)
        let outcome = try write("save readout curve", table: ElementReading.databaseTableName) { db -> CurveSaveOutcome in
            // Cached statements: compiled once per connection, not once per element.
            guard let batchRow = try Row.fetchOne(db.cachedStatement(sql: Self.batchStateSQL), arguments: [batch]) else {
                throw LabStoreError.batchNotFound(batch)
            }
            // Columns by position (the SELECTs below): no case-insensitive name look-up per element.
            guard try batchRow.decode(ReadoutBatch.State.self, atIndex: 0) == .open else {
                throw LabStoreError.batchNotOpen(batch)
            }
            try StoreValidation.element(element, elementsPerCard: try batchRow.decode(Int.self, atIndex: 1))
            if let existing = try Row.fetchOne(db.cachedStatement(sql: Self.elementRowSQL), arguments: [batch, card, element]) {
                let status = try existing.decode(ElementStatus.self, atIndex: 0)
                let crc = try existing.decode(UInt32?.self, atIndex: 1)
                return status == .stored && crc == curve.readerCurveCRC32 ? .alreadyStored : .conflicting(existing: status)
            }
            try db.cachedStatement(sql: Self.insertCurveSQL).execute(arguments: [
                batch, card, element, ElementStatus.stored, readAt, curve.channelCount, counts, temperatures,
                curve.channelMicroseconds, curve.pmtDarkCountsPerSecond, curve.heaterMaxDeciCelsius, curve.readerCurveCRC32,
            ])
            return .saved
        }
        logger.debug("stored readout curve", metadata: [
            "batch": "\(batch)", "card": "\(card)", "element": "\(element)", "outcome": "\(outcome)",
        ])
        return outcome
    }

    private static let batchStateSQL = "SELECT state, elementsPerCard FROM readoutBatch WHERE id = ?"
    private static let elementRowSQL =
        "SELECT status, readerCurveCRC32 FROM elementReading WHERE batchID = ? AND cardID = ? AND element = ?"
    private static let insertCurveSQL = """
        INSERT INTO elementReading (batchID, cardID, element, status, readAt, channelCount, counts, temperatures,
                                    channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    public func markElementLost(
        batch: ReadoutBatch.ID, card: String, element: Int, reason: String
    ) throws(LabStoreError) -> ElementReading {
        let reading = try saveElementReading(ElementReading(
            batchID: batch, cardID: card, element: element, readAt: now(), outcome: .lost(reason: reason)))
        logger.info("element lost", metadata: [
            "batch": "\(batch)", "card": "\(card)", "element": "\(element)", "reason": "\(reason)",
        ])
        return reading
    }

    public func markElementAbsent(
        batch: ReadoutBatch.ID, card: String, element: Int
    ) throws(LabStoreError) -> ElementReading {
        try saveElementReading(ElementReading(
            batchID: batch, cardID: card, element: element, readAt: now(), outcome: .absent))
    }

    public func readings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ElementReading] {
        try read("read batch readings", table: ElementReading.databaseTableName) { db in
            try ElementReading
                .filter(ElementReading.Columns.batchID == batch)
                .order(ElementReading.Columns.cardID, ElementReading.Columns.element)
                .fetchAll(db)
        }
    }

    public func reading(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> ElementReading? {
        try read("read element reading", table: ElementReading.databaseTableName) { db in
            try ElementReading
                .filter(ElementReading.Columns.batchID == batch && ElementReading.Columns.cardID == card
                        && ElementReading.Columns.element == element)
                .fetchOne(db)
        }
    }

    public func readings(card: String) throws(LabStoreError) -> [ElementReading] {
        try read("read card readings", table: ElementReading.databaseTableName) { db in
            try ElementReading
                .filter(ElementReading.Columns.cardID == card)
                .order(ElementReading.Columns.batchID, ElementReading.Columns.element)
                .fetchAll(db)
        }
    }

    public func elementStates(
        batch: ReadoutBatch.ID, card: String
    ) throws(LabStoreError) -> [Int: ElementStatus] {
        try read("read element states", table: ElementReading.databaseTableName) { db in
            _ = try Self.existingBatch(batch, in: db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT element, status FROM elementReading WHERE batchID = ? AND cardID = ?
                """, arguments: [batch, card])
            var states: [Int: ElementStatus] = [:]
            for row in rows {
                states[try row.decode(Int.self, forColumn: "element")] =
                    try row.decode(ElementStatus.self, forColumn: "status")
            }
            return states
        }
    }

    public func cardStates(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardReadoutState] {
        try read("read card states", table: ElementReading.databaseTableName) { db in
            let elementsPerCard = try Self.existingBatch(batch, in: db).elementsPerCard
            let rows = try Row.fetchAll(db, sql: """
                SELECT cardID, element, status FROM elementReading WHERE batchID = ?
                ORDER BY cardID, element
                """, arguments: [batch])
            var cards: [CardReadoutState] = []
            for row in rows {
                let cardID = try row.decode(String.self, forColumn: "cardID")
                let element = try row.decode(Int.self, forColumn: "element")
                let status = try row.decode(ElementStatus.self, forColumn: "status")
                if cards.last?.cardID != cardID {
                    cards.append(CardReadoutState(cardID: cardID, elementsPerCard: elementsPerCard, statuses: [:]))
                }
                cards[cards.count - 1].statuses[element] = status
            }
            return cards
        }
    }
}
