import Foundation
import LabStore
import PostgresNIO

/// Element readings and the readout's curve path on PostgreSQL (the SQLite twin:
/// SQLiteLabStore+Readings.swift). Card IDs are ordered by code point (`COLLATE "C"`), as SQLite's
/// BINARY collation orders them.
extension PostgresLabStore {
    static let readingColumns = """
        id, batchID, cardID, element, status, lostReason, readAt, channelCount, counts, temperatures,
        channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32
        """

    public func saveElementReading(_ reading: ElementReading) throws(LabStoreError) -> ElementReading {
        try StoreValidation.cardID(reading.cardID)
        try StoreValidation.outcome(reading.outcome)
        let saved = try transaction("save element reading") { session -> ElementReading in
            // FOR SHARE: a concurrent finishBatch waits until this reading committed.
            let batch = try Self.existingBatch(reading.batchID, in: session, lock: "FOR SHARE")
            guard batch.state == .open else { throw LabStoreError.batchNotOpen(reading.batchID) }
            try StoreValidation.element(reading.element, elementsPerCard: batch.elementsPerCard)
            let rows = try session.query("""
                INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt, channelCount, counts,
                    temperatures, channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (batchID, cardID, element) DO NOTHING
                RETURNING \(Self.readingColumns)
                """, try Self.bindings(reading))
            guard let row = rows.first else {
                throw LabStoreError.duplicateReading(batch: reading.batchID, cardID: reading.cardID, element: reading.element)
            }
            return try Self.decodeReading(row)
        }
        logger.debug("stored element reading", metadata: [
            "batch": "\(reading.batchID)", "card": "\(reading.cardID)", "element": "\(reading.element)",
            "status": "\(reading.status.rawValue)",
        ])
        return saved
    }

    /// The readout's insert: the batch row locked FOR SHARE (no finish in between), the curve inserted
    /// if the batch is open, the element on the card and the element has no row yet. A prepared
    /// statement (``PostgresPreparedStatements``): its parameters are cast to the types
    /// ``readingValues(_:)`` sends.
    static let saveCurveSQL = """
        WITH b AS (SELECT state, elementsPerCard FROM readoutBatch WHERE id = $1::bigint FOR SHARE)
        INSERT INTO elementReading (batchID, cardID, element, status, lostReason, readAt, channelCount, counts,
            temperatures, channelMicroseconds, pmtDarkCountsPerSecond, heaterMaxDeciCelsius, readerCurveCRC32)
        SELECT $1::bigint, $2::text, $3::bigint, $4::text, $5::text, $6::timestamptz, $7::bigint, $8::bytea,
            $9::bytea, $10::bigint, $11::bigint, $12::smallint, $13::bigint FROM b
        WHERE b.state = 'open' AND $3::bigint BETWEEN 1 AND b.elementsPerCard
        ON CONFLICT (batchID, cardID, element) DO NOTHING
        RETURNING id
        """

    /// One statement, so one round trip and one implicit transaction in the common case (no BEGIN,
    /// no COMMIT message): ``saveCurveSQL``, prepared once per connection, whose commit
    /// (synchronous_commit on) is durable when the answer arrives. Only when nothing was inserted
    /// does a second query say why.
    public func saveReadoutCurve(
        batch: ReadoutBatch.ID, card: String, element: Int, readAt: Date, curve: ElementCurve
    ) throws(LabStoreError) -> CurveSaveOutcome {
        try StoreValidation.cardID(card)
        try StoreValidation.outcome(.stored(curve))
        let reading = ElementReading(batchID: batch, cardID: card, element: element, readAt: readAt, outcome: .stored(curve))
        let outcome = try withSession("save readout curve") { session -> CurveSaveOutcome in
            let inserted = try session.queryPrepared(Self.saveCurveSQL, try Self.readingValues(reading))
            if !inserted.isEmpty { return .saved }
            // Why not: the same order of checks as SQLite's (batch, open, element range, earlier row).
            let batchRow = try Self.existingBatch(batch, in: session)
            guard batchRow.state == .open else { throw LabStoreError.batchNotOpen(batch) }
            try StoreValidation.element(element, elementsPerCard: batchRow.elementsPerCard)
            var b = PostgresBindings()
            b.append(batch.rawValue); b.append(card); b.append(element)
            guard let existing = try session.query(
                "SELECT status, readerCurveCRC32 FROM elementReading WHERE batchID = $1 AND cardID = $2 AND element = $3", b).first
            else { throw LabStoreError.unexpected(operation: "save readout curve", message: "no row inserted and none found") }
            let (statusText, crc) = try existing.decode((String, Int64?).self)
            guard let status = ElementStatus(rawValue: statusText) else {
                throw LabStoreError.corruptRow(table: "elementReading", reason: "unknown status \(statusText)")
            }
            return status == .stored && crc == Int64(curve.readerCurveCRC32) ? .alreadyStored : .conflicting(existing: status)
        }
        logger.debug("stored readout curve", metadata: [
            "batch": "\(batch)", "card": "\(card)", "element": "\(element)", "outcome": "\(outcome)",
        ])
        return outcome
    }

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
        try withSession("read batch readings") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            return try session.query(
                "SELECT \(Self.readingColumns) FROM elementReading WHERE batchID = $1 ORDER BY cardID COLLATE \"C\", element", b)
                .map(Self.decodeReading)
        }
    }

    public func reading(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> ElementReading? {
        try withSession("read element reading") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue); b.append(card); b.append(element)
            return try session.query(
                "SELECT \(Self.readingColumns) FROM elementReading WHERE batchID = $1 AND cardID = $2 AND element = $3", b)
                .first.map(Self.decodeReading)
        }
    }

    public func readings(card: String) throws(LabStoreError) -> [ElementReading] {
        try withSession("read card readings") { session in
            var b = PostgresBindings()
            b.append(card)
            return try session.query(
                "SELECT \(Self.readingColumns) FROM elementReading WHERE cardID = $1 ORDER BY batchID, element", b)
                .map(Self.decodeReading)
        }
    }

    public func elementStates(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> [Int: ElementStatus] {
        try withSession("read element states") { session in
            _ = try Self.existingBatch(batch, in: session)
            var b = PostgresBindings()
            b.append(batch.rawValue); b.append(card)
            var states: [Int: ElementStatus] = [:]
            for row in try session.query("SELECT element, status FROM elementReading WHERE batchID = $1 AND cardID = $2", b) {
                let (element, status) = try row.decode((Int, String).self)
                states[element] = try Self.status(status)
            }
            return states
        }
    }

    public func cardStates(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardReadoutState] {
        try withSession("read card states") { session in
            let elementsPerCard = try Self.existingBatch(batch, in: session).elementsPerCard
            var b = PostgresBindings()
            b.append(batch.rawValue)
            var cards: [CardReadoutState] = []
            for row in try session.query(
                "SELECT cardID, element, status FROM elementReading WHERE batchID = $1 ORDER BY cardID COLLATE \"C\", element", b) {
                let (cardID, element, status) = try row.decode((String, Int, String).self)
                if cards.last?.cardID != cardID {
                    cards.append(CardReadoutState(cardID: cardID, elementsPerCard: elementsPerCard, statuses: [:]))
                }
                cards[cards.count - 1].statuses[element] = try Self.status(status)
            }
            return cards
        }
    }

    // MARK: Rows

    static func status(_ text: String) throws -> ElementStatus {
        guard let status = ElementStatus(rawValue: text) else {
            throw LabStoreError.corruptRow(table: "elementReading", reason: "unknown status \(text)")
        }
        return status
    }

    /// $1…$13 of an INSERT INTO elementReading in column order.
    static func bindings(_ r: ElementReading) throws -> PostgresBindings {
        var b = PostgresBindings()
        for value in try readingValues(r) { b.append(value) }
        return b
    }

    /// The values of ``bindings(_:)``, for a prepared statement: bigint, text, bigint, text, text,
    /// timestamptz, bigint, bytea, bytea, bigint, bigint, smallint, bigint.
    static func readingValues(_ r: ElementReading) throws -> [PostgresData] {
        let curve = r.curve
        var lostReason: String?
        if case let .lost(reason) = r.outcome { lostReason = reason }
        return [
            try .bound(r.batchID.rawValue), try .bound(r.cardID), try .bound(r.element), try .bound(r.status.rawValue),
            try .bound(lostReason), try .bound(storedTime(r.readAt)), try .bound(curve?.channelCount),
            try .bound(curve.map { ChannelBlobCodec.encode(counts: $0.counts) }),
            try .bound(curve.map { ChannelBlobCodec.encode(temperaturesDeciCelsius: $0.temperaturesDeciCelsius) }),
            try .bound(curve.map { Int64($0.channelMicroseconds) }), try .bound(curve.map { Int64($0.pmtDarkCountsPerSecond) }),
            try .bound(curve?.heaterMaxDeciCelsius), try .bound(curve.map { Int64($0.readerCurveCRC32) }),
        ]
    }

    static func decodeReading(_ row: PostgresRow) throws -> ElementReading {
        let (id, batchID, cardID, element, statusText, lostReason, readAt, channels, counts, temperatures, micro, dark, heater, crc) =
            try row.decode((Int64, Int64, String, Int, String, String?, Date, Int?, Data?, Data?, Int64?, Int64?, Int16?, Int64?).self)
        let outcome: ElementReading.Outcome
        switch try status(statusText) {
        case .absent:
            outcome = .absent
        case .lost:
            outcome = .lost(reason: lostReason ?? "")
        case .stored:
            guard let channels, let counts, let temperatures, let micro = micro.flatMap(UInt32.init(exactly:)),
                  let dark = dark.flatMap(UInt32.init(exactly:)), let heater, let crc = crc.flatMap(UInt32.init(exactly:)) else {
                throw LabStoreError.corruptRow(table: "elementReading", reason: "stored element \(id) without a whole curve")
            }
            do {
                outcome = .stored(ElementCurve(
                    counts: try ChannelBlobCodec.decodeCounts(counts, expectedChannels: channels),
                    temperaturesDeciCelsius: try ChannelBlobCodec.decodeTemperatures(temperatures, expectedChannels: channels),
                    channelMicroseconds: micro, pmtDarkCountsPerSecond: dark, heaterMaxDeciCelsius: heater, readerCurveCRC32: crc))
            } catch {
                throw LabStoreError.corruptRow(table: "elementReading", reason: "\(error)")
            }
        }
        return ElementReading(
            id: ElementReading.ID(rawValue: id), batchID: ReadoutBatch.ID(rawValue: batchID), cardID: cardID,
            element: element, readAt: readAt, outcome: outcome)
    }
}
