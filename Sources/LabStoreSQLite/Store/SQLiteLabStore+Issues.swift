import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func issueCards(
        _ requests: [IssueRequest], customerID: String, dispatchedOn: CalendarDay
    ) throws(LabStoreError) -> Shipment {
        let stamp = now()
        let shipment = try write("issue cards", table: CardIssue.databaseTableName) { db in
            guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
            var shipment = Shipment(customerID: customerID, dispatchedOn: dispatchedOn, createdAt: stamp)
            try shipment.insert(db)
            for request in requests {
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
                var issue = CardIssue(
                    cardID: card.id, enrolmentID: request.enrolmentID, customerID: customerID,
                    periodStart: request.periodStart, periodEnd: request.periodEnd, issuedAt: stamp, shipmentID: shipment.id)
                try issue.insert(db)
                try Self.move(card, to: .issued, at: stamp, step: "be issued", in: db,
                              set: ", currentIssueID = ?", arguments: [issue.id])
            }
            return shipment
        }
        logger.info("cards issued", metadata: [
            "customer": "\(customerID)", "cards": "\(requests.count)", "shipment": "\(shipment.id.map(\.description) ?? "?")",
        ])
        return shipment
    }

    public func shipments(customerID: String) throws(LabStoreError) -> [Shipment] {
        try read("list shipments") { db in
            try Shipment.filter(Column("customerID") == customerID).order(Column("id")).fetchAll(db)
        }
    }

    public func issues(shipment: Shipment.ID) throws(LabStoreError) -> [CardIssue] {
        try read("list shipment issues") { db in
            try CardIssue.filter(Column("shipmentID") == shipment).order(Column("cardID")).fetchAll(db)
        }
    }

    public func issue(id: CardIssue.ID) throws(LabStoreError) -> CardIssue? {
        try read("read issue") { db in try CardIssue.fetchOne(db, key: id) }
    }

    public func issues(customerID: String) throws(LabStoreError) -> [CardIssue] {
        try read("list issues") { db in
            try CardIssue.filter(Column("customerID") == customerID)
                .order(Column("periodStart"), Column("cardID")).fetchAll(db)
        }
    }

    public func outstandingIssues(customerID: String) throws(LabStoreError) -> [CardIssue] {
        try read("list outstanding issues") { db in
            try CardIssue.filter(Column("customerID") == customerID && Column("returnID") == nil)
                .order(Column("periodStart"), Column("cardID")).fetchAll(db)
        }
    }

    public func currentIssue(cardID: String) throws(LabStoreError) -> CardIssue? {
        try read("read current issue") { db in
            guard let card = try Card.fetchOne(db, key: cardID), let issueID = card.currentIssueID else { return nil }
            return try CardIssue.fetchOne(db, key: issueID)
        }
    }

    // MARK: Returns

    public func openReturn(customerID: String, arrivedOn: CalendarDay) throws(LabStoreError) -> CustomerReturn {
        let stamp = now()
        return try write("open return", table: CustomerReturn.databaseTableName) { db in
            guard try Customer.exists(db, key: customerID) else { throw LabStoreError.customerNotFound(customerID) }
            if let open = try CustomerReturn
                .filter(Column("customerID") == customerID && Column("closedAt") == nil).fetchOne(db) {
                return open
            }
            var ret = CustomerReturn(customerID: customerID, arrivedOn: arrivedOn, openedAt: stamp)
            try ret.insert(db)
            return ret
        }
    }

    public func openReturns() throws(LabStoreError) -> [CustomerReturn] {
        try read("list open returns") { db in
            try CustomerReturn.filter(Column("closedAt") == nil).order(Column("id")).fetchAll(db)
        }
    }

    public func closeReturn(id: CustomerReturn.ID) throws(LabStoreError) -> CustomerReturn {
        let stamp = now()
        return try write("close return", table: CustomerReturn.databaseTableName) { db in
            guard var ret = try CustomerReturn.fetchOne(db, key: id) else { throw LabStoreError.returnNotOpen(id.rawValue) }
            if ret.closedAt == nil {
                ret.closedAt = stamp
                try ret.update(db)
            }
            return ret
        }
    }

    public func logScan(_ scan: ReturnScan) throws(LabStoreError) -> ReturnScan {
        let stamp = now()
        return try write("log scan", table: ReturnScan.databaseTableName) { db in
            var row = scan
            row.id = nil
            row.scannedAt = stamp
            try row.insert(db)
            return row
        }
    }

    public func scans(returnID: CustomerReturn.ID) throws(LabStoreError) -> [ReturnScan] {
        try read("list scans") { db in
            try ReturnScan.filter(Column("returnID") == returnID).order(Column("id")).fetchAll(db)
        }
    }

    public func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> CardIssue {
        let stamp = now()
        return try write("accept returned card", table: CardIssue.databaseTableName) { db in
            try Self.acceptReturnedCard(
                issueID: issueID, returnID: returnID, handedOverToName: handedOverToName, scannedCode: scannedCode,
                outcome: outcome, message: message, at: stamp, in: db)
        }
    }

    public func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handover: HandoverEnrolment, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> (issue: CardIssue, enrolment: Enrolment) {
        let stamp = now()
        let result: (issue: CardIssue, enrolment: Enrolment) = try write("accept handed-over card", table: CardIssue.databaseTableName) { db in
            let issue = try Self.acceptReturnedCard(
                issueID: issueID, returnID: returnID, handedOverToName: handover.name, scannedCode: scannedCode,
                outcome: outcome, message: message, at: stamp, in: db)
            return (issue, try Self.enrolHandover(issue: issue, handover: handover, in: db))
        }
        // The wearer's name and national ID stay out of the log.
        logger.info("card taken in; the person it was handed over to is enrolled", metadata: [
            "card": "\(result.issue.cardID)", "enrolment": "\(result.enrolment.number)"])
        return result
    }

    public func enrolHandover(issueID: CardIssue.ID, handover: HandoverEnrolment) throws(LabStoreError) -> Enrolment {
        let enrolment = try write("enrol handed-over card's wearer", table: Enrolment.databaseTableName) { db in
            guard let issue = try CardIssue.fetchOne(db, key: issueID) else { throw LabStoreError.issueNotFound(issueID.rawValue) }
            return try Self.enrolHandover(issue: issue, handover: handover, in: db)
        }
        logger.info("enrolled the person a card was handed over to", metadata: ["enrolment": "\(enrolment.number)"])
        return enrolment
    }

    /// The person `handover` names as a wearer of the issue's customer (found by national ID or added)
    /// and their enrolment for the card's dosimeter type and period length, an existing one if they
    /// have it; inside a write transaction.
    static func enrolHandover(issue: CardIssue, handover: HandoverEnrolment, in db: Database) throws -> Enrolment {
        guard let original = try Enrolment.fetchOne(db, key: issue.enrolmentID) else {
            throw LabStoreError.enrolmentNotFound("\(issue.enrolmentID)")
        }
        let wearer = try addWearer(customerID: issue.customerID, name: handover.name, nationalID: handover.nationalID,
                                   birthDate: handover.birthDate, in: db)
        guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the new wearer has no id") }
        // The dose goes to this person's record (v9-records), also when they were enrolled already.
        try db.execute(sql: "UPDATE cardIssue SET handedOverToWearerID = ? WHERE id = ?", arguments: [wearerID.rawValue, issue.id?.rawValue])
        if let existing = try Enrolment
            .filter(Column("wearerID") == wearerID && Column("dosimeterType") == original.dosimeterType.rawValue)
            .fetchOne(db) {
            return existing
        }
        return try enrol(Enrolment(
            wearerID: wearerID, customerID: issue.customerID, dosimeterType: original.dosimeterType,
            periodLength: original.periodLength, startDate: handover.startDate, orderedOn: handover.orderedOn,
            handedOverFromIssueID: issue.id?.rawValue, changeDay: original.changeDay, cycleMonth: original.cycleMonth), in: db)
    }

    static func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String,
        outcome: String, message: String, at stamp: Date, in db: Database
    ) throws -> CardIssue {
        guard let ret = try CustomerReturn.fetchOne(db, key: returnID), ret.closedAt == nil else {
            throw LabStoreError.returnNotOpen(returnID.rawValue)
        }
        guard var issue = try CardIssue.fetchOne(db, key: issueID) else { throw LabStoreError.issueNotFound(issueID.rawValue) }
        guard issue.customerID == ret.customerID else {
            throw LabStoreError.invalidRecord("card \(issue.cardID) was issued to another customer")
        }
        let card = try Self.existingCard(issue.cardID, in: db)
        guard card.state == .issued, card.currentIssueID == issueID, issue.returnID == nil else {
            throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be taken in again")
        }
        issue.returnID = returnID
        issue.arrivedOn = ret.arrivedOn
        issue.handedOverToName = handedOverToName
        try issue.update(db)
        try Self.move(card, to: .returned, at: stamp, step: "be taken in", in: db)
        var scan = ReturnScan(returnID: returnID, scannedCode: scannedCode, outcome: outcome, message: message, scannedAt: stamp)
        try scan.insert(db)
        return issue
    }
}
