import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: DispatchStore {
    // MARK: Price lists

    public func cardPrices() throws(LabStoreError) -> [CardPrice] {
        try read("list card prices") { db in
            try CardPrice.order(Column("dosimeterType"), Column("validFrom")).fetchAll(db)
        }
    }

    public func saveCompensationPrice(_ price: CompensationPrice) throws(LabStoreError) {
        try write("save compensation amount", table: CompensationPrice.databaseTableName) { db in try price.save(db) }
    }

    public func compensationPrice(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CompensationPrice? {
        try read("read compensation amount") { db in
            try CompensationPrice
                .filter(Column("dosimeterType") == type && Column("validFrom") <= day)
                .order(Column("validFrom").desc)
                .fetchOne(db)
        }
    }

    public func compensationPrices() throws(LabStoreError) -> [CompensationPrice] {
        try read("list compensation amounts") { db in
            try CompensationPrice.order(Column("dosimeterType"), Column("validFrom")).fetchAll(db)
        }
    }

    // MARK: Dispatch

    public func enrolments(activeOn day: CalendarDay) throws(LabStoreError) -> [Enrolment] {
        try read("list active enrolments") { db in
            try Enrolment.filter(Column("endDate") == nil || Column("endDate") >= day)
                .order(Column("customerID"), Column("id")).fetchAll(db)
        }
    }

    public func latestIssueByEnrolment() throws(LabStoreError) -> [Enrolment.ID: CardIssue] {
        try read("list latest issues", table: CardIssue.databaseTableName) { db in
            // A bare column in a query with max() takes its value from the row holding the maximum
            // (SQLite, "SELECT", section "Bare columns in an aggregate query"): each enrolment's latest issue.
            let latest = try CardIssue.fetchAll(db, sql: "SELECT *, max(periodStart) AS latestStart FROM cardIssue GROUP BY enrolmentID")
            return Dictionary(latest.map { ($0.enrolmentID, $0) }, uniquingKeysWith: { a, b in a.periodStart >= b.periodStart ? a : b })
        }
    }

    public func dispatch(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay) throws(LabStoreError) -> Shipment {
        let stamp = now()
        let shipment = try write("dispatch cards", table: CardIssue.databaseTableName) { db in
            try Self.insertShipment(lines, customerID: customerID, dispatchedOn: dispatchedOn, stamp: stamp, in: db)
        }
        logger.info("cards dispatched", metadata: [
            "customer": "\(customerID)", "cards": "\(lines.count)", "shipment": "\(shipment.id.map(\.description) ?? "?")",
        ])
        return shipment
    }

    /// A shipment with its issues, card moves and charges, inside a write transaction.
    static func insertShipment(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay, stamp: Date,
                               in db: Database) throws -> Shipment {
            guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
            var shipment = Shipment(customerID: customerID, dispatchedOn: dispatchedOn, createdAt: stamp)
            try shipment.insert(db)
            // Prepared once per shipment: a day's dispatch writes thousands of rows. The checks below
            // are those of issueCards; the triggers check the card's move and state again.
            let cardRow = try db.cachedStatement(sql: "SELECT state, dosimeterType FROM card WHERE id = ?")
            let enrolmentRow = try db.cachedStatement(sql: "SELECT customerID, dosimeterType, number FROM enrolment WHERE id = ?")
            let insertIssue = try db.cachedStatement(sql: """
                INSERT INTO cardIssue (cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt, shipmentID)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let moveCard = try db.cachedStatement(sql: "UPDATE card SET state = 'issued', stateChangedAt = ?, currentIssueID = ? WHERE id = ?")
            let insertCharge = try db.cachedStatement(sql: """
                INSERT INTO charge (customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, note, recordedAt)
                VALUES (?, 'cardSent', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for line in lines {
                let request = line.request
                guard let card = try Row.fetchOne(cardRow, arguments: [request.cardID]) else {
                    throw LabStoreError.cardNotFound(request.cardID)
                }
                let state: CardState = try card.decode(forColumn: "state")
                let cardType: DosimeterType = try card.decode(forColumn: "dosimeterType")
                guard state == .available else {
                    throw LabStoreError.cardInWrongState(cardID: request.cardID, state: state, step: "be issued")
                }
                guard let enrolment = try Row.fetchOne(enrolmentRow, arguments: [request.enrolmentID]) else {
                    throw LabStoreError.enrolmentNotFound("\(request.enrolmentID)")
                }
                let enrolmentCustomer: String = try enrolment.decode(forColumn: "customerID")
                let enrolmentType: DosimeterType = try enrolment.decode(forColumn: "dosimeterType")
                guard enrolmentCustomer == customerID else {
                    let number: String = try enrolment.decode(forColumn: "number")
                    throw LabStoreError.invalidRecord("enrolment \(number) is not of customer \(customerID)")
                }
                guard cardType == enrolmentType else {
                    throw LabStoreError.cardTypeMismatch(cardID: request.cardID, card: cardType, enrolment: enrolmentType)
                }
                guard request.periodEnd >= request.periodStart else {
                    throw LabStoreError.invalidRecord("period \(request.periodStart)…\(request.periodEnd) ends before it starts")
                }
                guard line.priceMinorUnits >= 0 else { throw LabStoreError.invalidRecord("a negative price for card \(request.cardID)") }
                try insertIssue.execute(arguments: [request.cardID, request.enrolmentID, customerID, request.periodStart, request.periodEnd,
                                                    stamp, shipment.id])
                let issueID = db.lastInsertedRowID
                try moveCard.execute(arguments: [stamp, issueID, request.cardID])
                try insertCharge.execute(arguments: [customerID, issueID, request.cardID, cardType, dispatchedOn, dispatchedOn,
                                                     line.priceMinorUnits, line.currency, line.free, line.note, stamp])
            }
            return shipment
    }

    public func shipmentLines(_ shipment: Shipment.ID) throws(LabStoreError) -> [ShipmentLine] {
        try read("list shipment lines", table: CardIssue.databaseTableName) { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.id AS issueID, i.cardID, i.periodStart, i.periodEnd, e.number, e.dosimeterType, w.name,
                       w.nationalIDSealed, w.nationalIDLookup, c.amountMinorUnits, c.currency, c.free
                FROM cardIssue i
                JOIN enrolment e ON e.id = i.enrolmentID
                JOIN wearer w ON w.id = e.wearerID
                LEFT JOIN charge c ON c.issueID = i.id AND c.kind = 'cardSent'
                WHERE i.shipmentID = ? ORDER BY i.cardID
                """, arguments: [shipment])
            return try rows.map { r in
                ShipmentLine(
                    issueID: CardIssue.ID(rawValue: try r.decode(Int64.self, forColumn: "issueID")), cardID: try r.decode(forColumn: "cardID"),
                    periodStart: try r.decode(forColumn: "periodStart"), periodEnd: try r.decode(forColumn: "periodEnd"),
                    enrolmentNumber: try r.decode(forColumn: "number"), dosimeterType: try r.decode(forColumn: "dosimeterType"),
                    wearerName: try r.decode(forColumn: "name"),
                    nationalID: ProtectedNationalID(sealed: try r.decode(forColumn: "nationalIDSealed"), lookup: try r.decode(forColumn: "nationalIDLookup")),
                    chargedMinorUnits: try r.decode(Int?.self, forColumn: "amountMinorUnits"), currency: try r.decode(String?.self, forColumn: "currency"),
                    free: try r.decode(Bool?.self, forColumn: "free") ?? false)
            }
        }
    }

    public func shipments(dispatchedOn day: CalendarDay) throws(LabStoreError) -> [Shipment] {
        try read("list shipments of a day") { db in
            try Shipment.filter(Column("dispatchedOn") == day).order(Column("id")).fetchAll(db)
        }
    }

    // MARK: Charges ledger

    public func recordCharges(_ charges: [Charge]) throws(LabStoreError) -> [Charge] {
        guard !charges.isEmpty else { return [] }
        let stamp = now()
        return try write("record charges", table: Charge.databaseTableName) { db in
            var recorded: [Charge] = []
            for charge in charges {
                let exists = try Charge.filter(Column("issueID") == charge.issueID && Column("kind") == charge.kind).fetchCount(db) > 0
                guard !exists else { continue }
                var row = charge
                row.id = nil
                row.recordedAt = stamp
                try row.insert(db)
                recorded.append(row)
            }
            return recorded
        }
    }

    public func charges(customerID: String?, from: CalendarDay?, to: CalendarDay?) throws(LabStoreError) -> [Charge] {
        try read("list charges") { db in
            var request = Charge.all()
            if let customerID { request = request.filter(Column("customerID") == customerID) }
            if let from { request = request.filter(Column("dueOn") >= from) }
            if let to { request = request.filter(Column("dueOn") <= to) }
            return try request.order(Column("customerID"), Column("dueOn"), Column("id")).fetchAll(db)
        }
    }

    public func charges(shipment: Shipment.ID) throws(LabStoreError) -> [Charge] {
        try read("list shipment charges") { db in
            try Charge.fetchAll(db, sql: """
                SELECT charge.* FROM charge JOIN cardIssue ON cardIssue.id = charge.issueID
                WHERE cardIssue.shipmentID = ? ORDER BY charge.id
                """, arguments: [shipment])
        }
    }
}
