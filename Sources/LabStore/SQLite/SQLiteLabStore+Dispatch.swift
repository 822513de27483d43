import Foundation
import GRDB

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

    public func issuesByEnrolment() throws(LabStoreError) -> [Enrolment.ID: [CardIssue]] {
        try read("list issues") { db in
            Dictionary(grouping: try CardIssue.order(Column("periodStart")).fetchAll(db), by: \.enrolmentID)
        }
    }

    public func dispatch(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay) throws(LabStoreError) -> Shipment {
        let stamp = now()
        let shipment = try write("dispatch cards", table: CardIssue.databaseTableName) { db in
            guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
            var shipment = Shipment(customerID: customerID, dispatchedOn: dispatchedOn, createdAt: stamp)
            try shipment.insert(db)
            for line in lines {
                let request = line.request
                let card = try Self.existingCard(request.cardID, in: db)
                guard card.state == .available else {
                    throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be issued")
                }
                guard let enrolment = try Enrolment.fetchOne(db, key: request.enrolmentID) else {
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
                guard line.priceMinorUnits >= 0 else { throw LabStoreError.invalidRecord("a negative price for card \(card.id)") }
                var issue = CardIssue(
                    cardID: card.id, enrolmentID: request.enrolmentID, customerID: customerID,
                    periodStart: request.periodStart, periodEnd: request.periodEnd, issuedAt: stamp, shipmentID: shipment.id)
                try issue.insert(db)
                guard let issueID = issue.id else { throw LabStoreError.unexpected(operation: "dispatch cards", message: "issue without id") }
                try Self.move(card, to: .issued, at: stamp, step: "be issued", in: db,
                              set: ", currentIssueID = ?", arguments: [issueID])
                var charge = Charge(
                    customerID: customerID, kind: .cardSent, issueID: issueID, cardID: card.id, dosimeterType: card.dosimeterType,
                    dueOn: dispatchedOn, priceDay: dispatchedOn, amountMinorUnits: line.priceMinorUnits, currency: line.currency,
                    free: line.free, note: line.note, recordedAt: stamp)
                try charge.insert(db)
            }
            return shipment
        }
        logger.info("cards dispatched", metadata: [
            "customer": "\(customerID)", "cards": "\(lines.count)", "shipment": "\(shipment.id.map(\.description) ?? "?")",
        ])
        return shipment
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
