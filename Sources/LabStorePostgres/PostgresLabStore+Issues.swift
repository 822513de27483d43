import Foundation
import LabStore
import PostgresNIO

/// The lab-records role's shipments, card issues and returns (intake) on PostgreSQL (the SQLite twin:
/// SQLiteLabStore+Issues.swift, the same checks, orders and errors). Each card is locked (`FOR
/// UPDATE`) before it moves, and a customer's row before its open return is looked for, so two
/// desks cannot issue one card twice or open two returns for one customer.
extension PostgresLabStore {
    // MARK: Shipments and issues

    /// Creates a shipment and issues each card for its enrolment and period, all in one transaction.
    public func issueCards(
        _ requests: [IssueRequest], customerID: String, dispatchedOn: CalendarDay
    ) throws(LabStoreError) -> Shipment {
        let stamp = storedTime(now())
        let shipment = try transaction("issue cards") { session -> Shipment in
            var c = PostgresBindings()
            c.append(customerID)
            guard try !session.query("SELECT 1 FROM customer WHERE id = $1 FOR SHARE", c).isEmpty else {
                throw LabStoreError.customerNotFound(customerID)
            }
            var s = PostgresBindings()
            s.append(customerID); s.append(dispatchedOn.description); s.append(stamp)
            guard let shipment = try session.query("""
                INSERT INTO shipment (customerID, dispatchedOn, createdAt) VALUES ($1, $2::date, $3) RETURNING \(Self.shipmentColumns)
                """, s).first.map(Self.decodeShipment) else {
                throw LabStoreError.unexpected(operation: "issue cards", message: "no shipment row returned")
            }
            for request in requests {
                let card = try Self.existingCard(request.cardID, in: session)
                guard card.state == .available else {
                    throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be issued")
                }
                guard let enrolment = try Self.enrolment(request.enrolmentID, in: session) else {
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
                var i = PostgresBindings()
                i.append(card.id); i.append(request.enrolmentID.rawValue); i.append(customerID)
                i.append(request.periodStart.description); i.append(request.periodEnd.description); i.append(stamp)
                i.append(shipment.id?.rawValue)
                guard let issueID = try session.query("""
                    INSERT INTO cardIssue (cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt, shipmentID)
                    VALUES ($1, $2, $3, $4::date, $5::date, $6, $7) RETURNING id
                    """, i).first?.decode(Int64.self) else {
                    throw LabStoreError.unexpected(operation: "issue cards", message: "no issue row returned")
                }
                try Self.move(card, to: .issued, at: stamp, step: "be issued", in: session,
                              set: [(column: "currentIssueID", value: issueID)])
            }
            return shipment
        }
        logger.info("cards issued", metadata: [
            "customer": "\(customerID)", "cards": "\(requests.count)", "shipment": "\(shipment.id.map(\.description) ?? "?")",
        ])
        return shipment
    }

    public func shipments(customerID: String) throws(LabStoreError) -> [Shipment] {
        try withSession("list shipments") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("SELECT \(Self.shipmentColumns) FROM shipment WHERE customerID = $1 ORDER BY id", b)
                .map(Self.decodeShipment)
        }
    }

    public func issues(shipment: Shipment.ID) throws(LabStoreError) -> [CardIssue] {
        try withSession("list shipment issues") { session in
            var b = PostgresBindings()
            b.append(shipment.rawValue)
            return try session.query(
                "SELECT \(Self.issueColumns) FROM cardIssue WHERE shipmentID = $1 ORDER BY cardID COLLATE \"C\"", b
            ).map(Self.decodeIssue)
        }
    }

    public func issue(id: CardIssue.ID) throws(LabStoreError) -> CardIssue? {
        try withSession("read issue") { session in try Self.issue(id, in: session) }
    }

    /// Every issue of a customer, by period start then card.
    public func issues(customerID: String) throws(LabStoreError) -> [CardIssue] {
        try withSession("list issues") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("""
                SELECT \(Self.issueColumns) FROM cardIssue WHERE customerID = $1 ORDER BY periodStart, cardID COLLATE "C"
                """, b).map(Self.decodeIssue)
        }
    }

    /// Issues of a customer not yet returned.
    public func outstandingIssues(customerID: String) throws(LabStoreError) -> [CardIssue] {
        try withSession("list outstanding issues") { session in
            var b = PostgresBindings()
            b.append(customerID)
            return try session.query("""
                SELECT \(Self.issueColumns) FROM cardIssue WHERE customerID = $1 AND returnID IS NULL
                ORDER BY periodStart, cardID COLLATE "C"
                """, b).map(Self.decodeIssue)
        }
    }

    /// The issue a card is on now (issued to being zeroed), if any.
    public func currentIssue(cardID: String) throws(LabStoreError) -> CardIssue? {
        try withSession("read current issue") { session in
            var b = PostgresBindings()
            b.append(cardID)
            return try session.query("""
                SELECT \(Self.issueColumns) FROM cardIssue WHERE id = (SELECT currentIssueID FROM card WHERE id = $1)
                """, b).first.map(Self.decodeIssue)
        }
    }

    // MARK: Returns

    /// Opens a return for a customer, or gives back the customer's open one.
    public func openReturn(customerID: String, arrivedOn: CalendarDay) throws(LabStoreError) -> CustomerReturn {
        let stamp = storedTime(now())
        return try transaction("open return") { session -> CustomerReturn in
            var c = PostgresBindings()
            c.append(customerID)
            // The customer's row lock: two desks opening at once find one return, not two.
            guard try !session.query("SELECT 1 FROM customer WHERE id = $1 FOR NO KEY UPDATE", c).isEmpty else {
                throw LabStoreError.customerNotFound(customerID)
            }
            if let open = try session.query("""
                SELECT \(Self.returnColumns) FROM customerReturn WHERE customerID = $1 AND closedAt IS NULL ORDER BY id LIMIT 1
                """, c).first.map(Self.decodeReturn) {
                return open
            }
            var r = PostgresBindings()
            r.append(customerID); r.append(arrivedOn.description); r.append(stamp)
            guard let opened = try session.query("""
                INSERT INTO customerReturn (customerID, arrivedOn, openedAt) VALUES ($1, $2::date, $3) RETURNING \(Self.returnColumns)
                """, r).first.map(Self.decodeReturn) else {
                throw LabStoreError.unexpected(operation: "open return", message: "no row returned")
            }
            return opened
        }
    }

    public func openReturns() throws(LabStoreError) -> [CustomerReturn] {
        try withSession("list open returns") { session in
            try session.query("SELECT \(Self.returnColumns) FROM customerReturn WHERE closedAt IS NULL ORDER BY id")
                .map(Self.decodeReturn)
        }
    }

    public func closeReturn(id: CustomerReturn.ID) throws(LabStoreError) -> CustomerReturn {
        let stamp = storedTime(now())
        return try transaction("close return") { session -> CustomerReturn in
            guard var ret = try Self.customerReturn(id, forUpdate: true, in: session) else {
                throw LabStoreError.returnNotOpen(id.rawValue)
            }
            if ret.closedAt == nil {
                ret.closedAt = stamp
                var b = PostgresBindings()
                b.append(stamp); b.append(id.rawValue)
                try session.execute("UPDATE customerReturn SET closedAt = $1 WHERE id = $2", b)
            }
            return ret
        }
    }

    static func customerReturn(_ id: CustomerReturn.ID, forUpdate: Bool, in session: PostgresSession) throws -> CustomerReturn? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query(
            "SELECT \(returnColumns) FROM customerReturn WHERE id = $1\(forUpdate ? " FOR UPDATE" : "")", b
        ).first.map(decodeReturn)
    }

    /// Logs a scan that was not accepted (the bench log keeps every scan).
    public func logScan(_ scan: ReturnScan) throws(LabStoreError) -> ReturnScan {
        let stamp = storedTime(now())
        return try transaction("log scan") { session in try Self.insertScan(scan, at: stamp, in: session) }
    }

    static func insertScan(_ scan: ReturnScan, at stamp: Date, in session: PostgresSession) throws -> ReturnScan {
        var b = PostgresBindings()
        b.append(scan.returnID.rawValue); b.append(scan.scannedCode); b.append(scan.outcome); b.append(scan.message)
        b.append(stamp)
        guard let row = try session.query("""
            INSERT INTO returnScan (returnID, scannedCode, outcome, message, scannedAt) VALUES ($1, $2, $3, $4, $5)
            RETURNING \(scanColumns)
            """, b).first else { throw LabStoreError.unexpected(operation: "log scan", message: "no row returned") }
        return try decodeScan(row)
    }

    public func scans(returnID: CustomerReturn.ID) throws(LabStoreError) -> [ReturnScan] {
        try withSession("list scans") { session in
            var b = PostgresBindings()
            b.append(returnID.rawValue)
            return try session.query("SELECT \(Self.scanColumns) FROM returnScan WHERE returnID = $1 ORDER BY id", b)
                .map(Self.decodeScan)
        }
    }

    /// Accepts a returned card: its issue gets the return and arrival date (and a reported handover),
    /// the card moves `issued → returned`, and the scan is logged, in one transaction.
    public func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> CardIssue {
        let stamp = storedTime(now())
        return try transaction("accept returned card") { session in
            try Self.acceptReturnedCard(
                issueID: issueID, returnID: returnID, handedOverToName: handedOverToName, scannedCode: scannedCode,
                outcome: outcome, message: message, at: stamp, in: session)
        }
    }

    /// ``acceptReturnedCard(issueID:returnID:handedOverToName:scannedCode:outcome:message:)`` that also
    /// enrols the person the card was handed over to, in the same transaction.
    public func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handover: HandoverEnrolment, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> (issue: CardIssue, enrolment: Enrolment) {
        let stamp = storedTime(now())
        let result: (issue: CardIssue, enrolment: Enrolment) = try transaction("accept handed-over card") { session in
            let issue = try Self.acceptReturnedCard(
                issueID: issueID, returnID: returnID, handedOverToName: handover.name, scannedCode: scannedCode,
                outcome: outcome, message: message, at: stamp, in: session)
            return (issue, try Self.enrolHandover(issue: issue, handover: handover, in: session))
        }
        // The wearer's name and national ID stay out of the log.
        logger.info("card taken in; the person it was handed over to is enrolled", metadata: [
            "card": "\(result.issue.cardID)", "enrolment": "\(result.enrolment.number)"])
        return result
    }

    /// Enrols the person a card of `issueID` was handed over to, reported after the card was taken in.
    public func enrolHandover(issueID: CardIssue.ID, handover: HandoverEnrolment) throws(LabStoreError) -> Enrolment {
        let enrolment = try transaction("enrol handed-over card's wearer") { session -> Enrolment in
            guard let issue = try Self.issue(issueID, forUpdate: true, in: session) else {
                throw LabStoreError.issueNotFound(issueID.rawValue)
            }
            return try Self.enrolHandover(issue: issue, handover: handover, in: session)
        }
        logger.info("enrolled the person a card was handed over to", metadata: ["enrolment": "\(enrolment.number)"])
        return enrolment
    }

    /// The person `handover` names as a wearer of the issue's customer (found by national ID or added)
    /// and their enrolment for the card's dosimeter type and period length, an existing one if they
    /// have it; inside a transaction (SQLiteLabStore.enrolHandover(issue:handover:in:)).
    static func enrolHandover(issue: CardIssue, handover: HandoverEnrolment, in session: PostgresSession) throws -> Enrolment {
        guard let original = try enrolment(issue.enrolmentID, in: session) else {
            throw LabStoreError.enrolmentNotFound("\(issue.enrolmentID)")
        }
        let wearer = try findOrAddWearer(customerID: issue.customerID, name: handover.name, nationalID: handover.nationalID,
                                         birthDate: handover.birthDate, in: session)
        guard let wearerID = wearer.id else { throw LabStoreError.invalidRecord("the new wearer has no id") }
        // The dose goes to this person's record (v9-records), also when they were enrolled already.
        var h = PostgresBindings()
        h.append(wearerID.rawValue); h.append(issue.id?.rawValue)
        try session.execute("UPDATE cardIssue SET handedOverToWearerID = $1 WHERE id = $2", h)
        var e = PostgresBindings()
        e.append(wearerID.rawValue); e.append(original.dosimeterType.rawValue)
        if let existing = try session.query("""
            SELECT \(enrolmentColumns) FROM enrolment WHERE wearerID = $1 AND dosimeterType = $2 ORDER BY id LIMIT 1
            """, e).first.map(decodeEnrolment) {
            return existing
        }
        return try enrol(Enrolment(
            wearerID: wearerID, customerID: issue.customerID, dosimeterType: original.dosimeterType,
            periodLength: original.periodLength, startDate: handover.startDate, orderedOn: handover.orderedOn,
            handedOverFromIssueID: issue.id?.rawValue, changeDay: original.changeDay, cycleMonth: original.cycleMonth), in: session)
    }

    static func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String,
        outcome: String, message: String, at stamp: Date, in session: PostgresSession
    ) throws -> CardIssue {
        guard let ret = try customerReturn(returnID, forUpdate: false, in: session), ret.closedAt == nil else {
            throw LabStoreError.returnNotOpen(returnID.rawValue)
        }
        guard var issue = try issue(issueID, forUpdate: true, in: session) else { throw LabStoreError.issueNotFound(issueID.rawValue) }
        guard issue.customerID == ret.customerID else {
            throw LabStoreError.invalidRecord("card \(issue.cardID) was issued to another customer")
        }
        let card = try existingCard(issue.cardID, in: session)
        guard card.state == .issued, card.currentIssueID == issueID, issue.returnID == nil else {
            throw LabStoreError.cardInWrongState(cardID: card.id, state: card.state, step: "be taken in again")
        }
        issue.returnID = returnID
        issue.arrivedOn = ret.arrivedOn
        issue.handedOverToName = handedOverToName
        var b = PostgresBindings()
        b.append(returnID.rawValue); b.append(ret.arrivedOn.description); b.append(handedOverToName); b.append(issueID.rawValue)
        try session.execute("UPDATE cardIssue SET returnID = $1, arrivedOn = $2::date, handedOverToName = $3 WHERE id = $4", b)
        try move(card, to: .returned, at: stamp, step: "be taken in", in: session)
        _ = try insertScan(
            ReturnScan(returnID: returnID, scannedCode: scannedCode, outcome: outcome, message: message, scannedAt: stamp),
            at: stamp, in: session)
        return issue
    }
}
