import Foundation
import LabStore
import PostgresNIO

/// The dispatch role (``DispatchStore``) on PostgreSQL: compensation price lists, the enrolments and
/// latest issues a dispatch run plans from, shipments with their issues and `cardSent` charges, and
/// the charges ledger. The SQLite twin is SQLiteLabStore+Dispatch.swift: the same checks in the same
/// order, the same errors and the same row orders (text sorted byte-wise, `COLLATE "C"`, as SQLite's
/// BINARY collation).
///
/// Where SQLite relies on its single writer, PostgreSQL takes locks:
/// - a shipment's transaction takes the `shipment` table in SHARE ROW EXCLUSIVE mode first (it
///   conflicts with itself and with the row lock of an insert), so two desks dispatching at once run
///   one after the other as on SQLite, then locks its cards (`FOR UPDATE`, in card order) before it
///   checks them: a card is issued once, and only from stock (`available`: inspected after zeroing,
///   which needs its dose released; the interlock triggers check the move again);
/// - a charge is inserted with `ON CONFLICT (issueID, kind) DO NOTHING`: a desk recording the same
///   compensation as another waits for it and keeps its row, never a second one (UNIQUE in the
///   schema), and the ledger is append-only (triggers), so a charge never disappears.
extension PostgresLabStore: DispatchStore {
    // MARK: Price lists

    public func cardPrices() throws(LabStoreError) -> [CardPrice] {
        try withSession("list card prices") { session in
            try session.query("""
                SELECT dosimeterType, to_char(validFrom, 'YYYY-MM-DD'), priceMinorUnits, currency FROM cardPrice
                ORDER BY dosimeterType COLLATE "C", validFrom
                """).map { row in
                let (type, validFrom, amount, currency) = try Self.decodePriceRow(row, table: "cardPrice")
                return CardPrice(dosimeterType: type, validFrom: validFrom, priceMinorUnits: amount, currency: currency)
            }
        }
    }

    /// Inserts or replaces the compensation amount of a type from a day on (GRDB's `save` on SQLite).
    public func saveCompensationPrice(_ price: CompensationPrice) throws(LabStoreError) {
        try transaction("save compensation amount") { session in
            var b = PostgresBindings()
            b.append(price.dosimeterType.rawValue); b.append(price.validFrom.description); b.append(price.amountMinorUnits)
            b.append(price.currency)
            try session.execute("""
                INSERT INTO compensationPrice (dosimeterType, validFrom, amountMinorUnits, currency) VALUES ($1, $2::date, $3, $4)
                ON CONFLICT (dosimeterType, validFrom) DO UPDATE
                SET amountMinorUnits = EXCLUDED.amountMinorUnits, currency = EXCLUDED.currency
                """, b)
        }
    }

    public func compensationPrice(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CompensationPrice? {
        try withSession("read compensation amount") { session in
            var b = PostgresBindings()
            b.append(type.rawValue); b.append(day.description)
            return try session.query("""
                SELECT dosimeterType, to_char(validFrom, 'YYYY-MM-DD'), amountMinorUnits, currency FROM compensationPrice
                WHERE dosimeterType = $1 AND validFrom <= $2::date ORDER BY validFrom DESC LIMIT 1
                """, b).first.map(Self.decodeCompensationPrice)
        }
    }

    public func compensationPrices() throws(LabStoreError) -> [CompensationPrice] {
        try withSession("list compensation amounts") { session in
            try session.query("""
                SELECT dosimeterType, to_char(validFrom, 'YYYY-MM-DD'), amountMinorUnits, currency FROM compensationPrice
                ORDER BY dosimeterType COLLATE "C", validFrom
                """).map(Self.decodeCompensationPrice)
        }
    }

    static func decodeCompensationPrice(_ row: PostgresRow) throws -> CompensationPrice {
        let (type, validFrom, amount, currency) = try decodePriceRow(row, table: "compensationPrice")
        return CompensationPrice(dosimeterType: type, validFrom: validFrom, amountMinorUnits: amount, currency: currency)
    }

    /// A price list row: type, valid-from day, amount, currency.
    static func decodePriceRow(_ row: PostgresRow, table: String) throws -> (DosimeterType, CalendarDay, Int, String) {
        let (typeText, validFrom, amount, currency) = try row.decode((String, String, Int, String).self)
        guard let type = DosimeterType(rawValue: typeText), let day = try day(validFrom, table: table) else {
            throw LabStoreError.corruptRow(table: table, reason: "unknown dosimeter type \"\(typeText)\" or no valid-from day")
        }
        return (type, day, amount, currency)
    }

    // MARK: Dispatch

    public func enrolments(activeOn day: CalendarDay) throws(LabStoreError) -> [Enrolment] {
        try withSession("list active enrolments") { session in
            var b = PostgresBindings()
            b.append(day.description)
            return try session.query("""
                SELECT \(Self.enrolmentColumns) FROM enrolment WHERE endDate IS NULL OR endDate >= $1::date
                ORDER BY customerID COLLATE "C", id
                """, b).map(Self.decodeEnrolment)
        }
    }

    public func latestIssueByEnrolment() throws(LabStoreError) -> [Enrolment.ID: CardIssue] {
        try withSession("list latest issues") { session in
            // DISTINCT ON keeps the first row of each enrolment in the ORDER BY: its latest period
            // (UNIQUE (enrolmentID, periodStart), so there is no tie).
            let latest = try session.query("""
                SELECT DISTINCT ON (enrolmentID) \(Self.issueColumns) FROM cardIssue ORDER BY enrolmentID, periodStart DESC
                """).map(Self.decodeIssue)
            return Dictionary(latest.map { ($0.enrolmentID, $0) }, uniquingKeysWith: { a, b in a.periodStart >= b.periodStart ? a : b })
        }
    }

    public func dispatch(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay) throws(LabStoreError) -> Shipment {
        let stamp = storedTime(now())
        let shipment = try transaction("dispatch cards") { session -> Shipment in
            var rows = try Self.lockForDispatch(lines, in: session)
            return try Self.insertShipment(lines, customerID: customerID, dispatchedOn: dispatchedOn, stamp: stamp, rows: &rows, in: session)
        }
        logger.info("cards dispatched", metadata: [
            "customer": "\(customerID)", "cards": "\(lines.count)", "shipment": "\(shipment.id.map(\.description) ?? "?")",
        ])
        return shipment
    }

    /// The cards (locked) and enrolments of a dispatch transaction, read once for all its lines; a
    /// card's state follows the moves this transaction makes.
    struct DispatchRows {
        var cards: [String: Card]
        var enrolments: [Enrolment.ID: Enrolment]
    }

    /// The single-writer step of SQLite, inside a dispatch transaction: one shipment-making desk at a
    /// time (the `shipment` table lock), then the cards to be sent locked in card order (two desks
    /// never wait on each other's cards crosswise) and read with their enrolments in two statements,
    /// not two per line.
    static func lockForDispatch(_ lines: [DispatchLine], in session: PostgresSession) throws -> DispatchRows {
        try session.execute("LOCK TABLE shipment IN SHARE ROW EXCLUSIVE MODE")
        var rows = DispatchRows(cards: [:], enrolments: [:])
        guard !lines.isEmpty else { return rows }
        var c = PostgresBindings()
        c.append(Array(Set(lines.map(\.request.cardID))))
        for card in try session.query("SELECT \(cardColumns) FROM card WHERE id = ANY($1) ORDER BY id COLLATE \"C\" FOR UPDATE", c)
            .map(decodeCard) {
            rows.cards[card.id] = card
        }
        var e = PostgresBindings()
        e.append(Array(Set(lines.map(\.request.enrolmentID.rawValue))))
        for enrolment in try session.query("SELECT \(enrolmentColumns) FROM enrolment WHERE id = ANY($1)", e).map(decodeEnrolment) {
            if let id = enrolment.id { rows.enrolments[id] = enrolment }
        }
        return rows
    }

    /// A shipment with its issues, card moves and `cardSent` charges, inside a dispatch transaction
    /// after ``lockForDispatch(_:in:)`` (SQLiteLabStore.insertShipment: the checks of issueCards, then
    /// a negative price, in that order; the triggers check the card's move and state again).
    static func insertShipment(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay, stamp: Date,
                               rows: inout DispatchRows, in session: PostgresSession) throws -> Shipment {
        var c = PostgresBindings()
        c.append(customerID)
        guard try !session.query("SELECT 1 FROM customer WHERE id = $1 FOR SHARE", c).isEmpty else {
            throw LabStoreError.customerNotFound(customerID)
        }
        var s = PostgresBindings()
        s.append(customerID); s.append(dispatchedOn.description); s.append(stamp)
        guard let shipment = try session.query("""
            INSERT INTO shipment (customerID, dispatchedOn, createdAt) VALUES ($1, $2::date, $3) RETURNING \(shipmentColumns)
            """, s).first.map(decodeShipment), let shipmentID = shipment.id else {
            throw LabStoreError.unexpected(operation: "dispatch cards", message: "no shipment row returned")
        }
        for line in lines {
            let request = line.request
            guard var card = rows.cards[request.cardID] else { throw LabStoreError.cardNotFound(request.cardID) }
            guard card.state == .available else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be issued")
            }
            guard let enrolment = rows.enrolments[request.enrolmentID] else {
                throw LabStoreError.enrolmentNotFound("\(request.enrolmentID)")
            }
            guard enrolment.customerID == customerID else {
                throw LabStoreError.invalidRecord("enrolment \(enrolment.number) is not of customer \(customerID)")
            }
            guard card.dosimeterType == enrolment.dosimeterType else {
                throw LabStoreError.cardTypeMismatch(cardID: card.id, card: card.dosimeterType, enrolment: enrolment.dosimeterType)
            }
            guard request.periodEnd >= request.periodStart else {
                throw LabStoreError.invalidRecord("period \(request.periodStart)…\(request.periodEnd) ends before it starts")
            }
            guard line.priceMinorUnits >= 0 else { throw LabStoreError.invalidRecord("a negative price for card \(request.cardID)") }
            guard card.state.canMove(to: .issued) else {
                throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be issued")
            }
            var i = PostgresBindings()
            i.append(card.id); i.append(request.enrolmentID.rawValue); i.append(customerID)
            i.append(request.periodStart.description); i.append(request.periodEnd.description); i.append(stamp)
            i.append(shipmentID.rawValue)
            guard let issueID = try session.query("""
                INSERT INTO cardIssue (cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt, shipmentID)
                VALUES ($1, $2, $3, $4::date, $5::date, $6, $7) RETURNING id
                """, i).first?.decode(Int64.self) else {
                throw LabStoreError.unexpected(operation: "dispatch cards", message: "no issue row returned")
            }
            // The card's move (the interlock triggers check it) and its charge, in one statement: the
            // charge is inserted from the moved row, so it exists only if the move did.
            var m = PostgresBindings()
            m.append(card.id); m.append(stamp); m.append(issueID); m.append(customerID); m.append(card.dosimeterType.rawValue)
            m.append(dispatchedOn.description); m.append(line.priceMinorUnits); m.append(line.currency); m.append(line.free)
            m.append(line.note)
            let charged = try session.query("""
                WITH moved AS (
                    UPDATE card SET state = 'issued', stateChangedAt = $2, currentIssueID = $3 WHERE id = $1 RETURNING id
                )
                INSERT INTO charge (customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, note, recordedAt)
                SELECT $4, 'cardSent', $3, moved.id, $5, $6::date, $6::date, $7, $8, $9, $10, $2 FROM moved RETURNING id
                """, m)
            guard charged.count == 1 else {
                throw LabStoreError.unexpected(operation: "dispatch cards", message: "card \(card.id) was not moved and charged")
            }
            card.state = .issued
            card.stateChangedAt = stamp
            card.currentIssueID = CardIssue.ID(rawValue: issueID)
            rows.cards[card.id] = card
        }
        return shipment
    }

    public func shipmentLines(_ shipment: Shipment.ID) throws(LabStoreError) -> [ShipmentLine] {
        try withSession("list shipment lines") { session in
            var b = PostgresBindings()
            b.append(shipment.rawValue)
            return try session.query("""
                SELECT i.id, i.cardID, to_char(i.periodStart, 'YYYY-MM-DD'), to_char(i.periodEnd, 'YYYY-MM-DD'), e.number,
                       e.dosimeterType, w.name, w.nationalIDSealed, w.nationalIDLookup, c.amountMinorUnits, c.currency, c.free
                FROM cardIssue i
                JOIN enrolment e ON e.id = i.enrolmentID
                JOIN wearer w ON w.id = e.wearerID
                LEFT JOIN charge c ON c.issueID = i.id AND c.kind = 'cardSent'
                WHERE i.shipmentID = $1 ORDER BY i.cardID COLLATE "C"
                """, b).map { row in
                let (issueID, cardID, start, end, number, typeText, name, sealed, lookup, amount, currency, free) =
                    try row.decode((Int64, String, String, String, String, String, String, Data, Data, Int?, String?, Bool?).self)
                guard let type = DosimeterType(rawValue: typeText) else {
                    throw LabStoreError.corruptRow(table: "enrolment", reason: "unknown dosimeter type \"\(typeText)\"")
                }
                guard let periodStart = try Self.day(start, table: "cardIssue"), let periodEnd = try Self.day(end, table: "cardIssue") else {
                    throw LabStoreError.corruptRow(table: "cardIssue", reason: "issue \(issueID) without its period")
                }
                return ShipmentLine(
                    issueID: CardIssue.ID(rawValue: issueID), cardID: cardID, periodStart: periodStart, periodEnd: periodEnd,
                    enrolmentNumber: number, dosimeterType: type, wearerName: name,
                    nationalID: ProtectedNationalID(sealed: sealed, lookup: lookup), chargedMinorUnits: amount, currency: currency,
                    free: free ?? false)
            }
        }
    }

    public func shipments(dispatchedOn day: CalendarDay) throws(LabStoreError) -> [Shipment] {
        try withSession("list shipments of a day") { session in
            var b = PostgresBindings()
            b.append(day.description)
            return try session.query("SELECT \(Self.shipmentColumns) FROM shipment WHERE dispatchedOn = $1::date ORDER BY id", b)
                .map(Self.decodeShipment)
        }
    }

    // MARK: Charges ledger

    public func recordCharges(_ charges: [Charge]) throws(LabStoreError) -> [Charge] {
        guard !charges.isEmpty else { return [] }
        let stamp = storedTime(now())
        return try transaction("record charges") { session in
            var recorded: [Charge] = []
            for charge in charges {
                var b = PostgresBindings()
                b.append(charge.customerID); b.append(charge.kind.rawValue); b.append(charge.issueID.rawValue); b.append(charge.cardID)
                b.append(charge.dosimeterType.rawValue); b.append(charge.dueOn.description); b.append(charge.priceDay.description)
                b.append(charge.amountMinorUnits); b.append(charge.currency); b.append(charge.free); b.append(charge.note); b.append(stamp)
                // A charge for the issue and kind already in the ledger (also one another desk is
                // recording now: the insert waits for it) is kept as it is.
                guard let id = try session.query("""
                    INSERT INTO charge (customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, note, recordedAt)
                    VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, $12)
                    ON CONFLICT (issueID, kind) DO NOTHING RETURNING id
                    """, b).first?.decode(Int64.self) else { continue }
                var row = charge
                row.id = Charge.ID(rawValue: id)
                row.recordedAt = stamp
                recorded.append(row)
            }
            return recorded
        }
    }

    public func charges(customerID: String?, from: CalendarDay?, to: CalendarDay?) throws(LabStoreError) -> [Charge] {
        try withSession("list charges") { session in
            var b = PostgresBindings()
            var conditions: [String] = []
            if let customerID { b.append(customerID); conditions.append("customerID = $\(conditions.count + 1)") }
            if let from { b.append(from.description); conditions.append("dueOn >= $\(conditions.count + 1)::date") }
            if let to { b.append(to.description); conditions.append("dueOn <= $\(conditions.count + 1)::date") }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try session.query(
                "SELECT \(Self.chargeColumns()) FROM charge\(filter) ORDER BY customerID COLLATE \"C\", dueOn, id", b
            ).map(Self.decodeCharge)
        }
    }

    public func charges(shipment: Shipment.ID) throws(LabStoreError) -> [Charge] {
        try withSession("list shipment charges") { session in
            var b = PostgresBindings()
            b.append(shipment.rawValue)
            return try session.query("""
                SELECT \(Self.chargeColumns("c.")) FROM charge c JOIN cardIssue i ON i.id = c.issueID
                WHERE i.shipmentID = $1 ORDER BY c.id
                """, b).map(Self.decodeCharge)
        }
    }

    static func chargeColumns(_ prefix: String = "") -> String {
        let p = prefix
        return """
            \(p)id, \(p)customerID, \(p)kind, \(p)issueID, \(p)cardID, \(p)dosimeterType, to_char(\(p)dueOn, 'YYYY-MM-DD'),
            to_char(\(p)priceDay, 'YYYY-MM-DD'), \(p)amountMinorUnits, \(p)currency, \(p)free, \(p)note, \(p)recordedAt
            """
    }

    static func decodeCharge(_ row: PostgresRow) throws -> Charge {
        let (id, customerID, kindText, issueID, cardID, typeText, due, priceDayText, amount, currency, free, note, recordedAt) =
            try row.decode((Int64, String, String, Int64, String, String, String, String, Int, String, Bool, String, Date).self)
        guard let kind = ChargeKind(rawValue: kindText), let type = DosimeterType(rawValue: typeText) else {
            throw LabStoreError.corruptRow(table: "charge", reason: "unknown kind or dosimeter type \"\(kindText)\", \"\(typeText)\"")
        }
        guard let dueOn = try day(due, table: "charge"), let priceDay = try day(priceDayText, table: "charge") else {
            throw LabStoreError.corruptRow(table: "charge", reason: "charge \(id) without its days")
        }
        return Charge(
            id: Charge.ID(rawValue: id), customerID: customerID, kind: kind, issueID: CardIssue.ID(rawValue: issueID), cardID: cardID,
            dosimeterType: type, dueOn: dueOn, priceDay: priceDay, amountMinorUnits: amount, currency: currency, free: free,
            note: note, recordedAt: recordedAt)
    }
}
