import Foundation
import Testing
@testable import LabStore

/// The dispatch role (``DispatchStore``, ``DayDispatchStore``) on every backend that has it: price
/// lists, shipments with their issues and `cardSent` charges, the charges ledger, with the same
/// results, orders and errors on SQLite and PostgreSQL.
@Suite("Store contract: dispatch, price lists and the charges ledger")
struct DispatchContractTests {
    static let day = RecordSamples.day

    static func line(_ card: String, _ enrolment: Enrolment, start: String, end: String, price: Int = 12_500,
                     free: Bool = false, note: String = "") throws -> DispatchLine {
        DispatchLine(request: IssueRequest(cardID: card, enrolmentID: try RecordSamples.requireID(enrolment.id),
                                           periodStart: day(start), periodEnd: day(end)),
                     priceMinorUnits: price, free: free, note: note)
    }

    @Test("a shipment, its issues, the cards' moves and their card-sent charges are written together; a bad line leaves nothing",
          arguments: StoreBackend.dispatchRole)
    func dispatchWritesCharges(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        let setup = try RecordSamples.setUp(store, cards: 3)
        let shipment = try store.dispatch([
            try Self.line(setup.cardIDs[1], setup.enrolment, start: "2026-07-15", end: "2026-10-14", price: 0, free: true, note: "short first period"),
        ], customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        let shipmentID = try RecordSamples.requireID(shipment.id)
        #expect(shipment.customerID == "K-1001" && shipment.dispatchedOn == Self.day("2026-07-08"))
        #expect(try store.card(id: setup.cardIDs[1])?.state == .issued)
        let issue = try #require(try store.currentIssue(cardID: setup.cardIDs[1]))
        #expect(issue.shipmentID == shipmentID && issue.periodStart == Self.day("2026-07-15") && issue.periodEnd == Self.day("2026-10-14"))
        let charges = try store.charges(shipment: shipmentID)
        #expect(charges.count == 1)
        let charge = try #require(charges.first)
        #expect(charge.kind == .cardSent && charge.issueID == issue.id && charge.cardID == setup.cardIDs[1] && charge.free)
        #expect(charge.amountMinorUnits == 0 && charge.currency == "DKK" && charge.note == "short first period")
        #expect(charge.dueOn == Self.day("2026-07-08") && charge.priceDay == Self.day("2026-07-08") && charge.dosimeterType == .wholeBody)
        let lines = try store.shipmentLines(shipmentID)
        #expect(lines.map(\.wearerName) == ["Anna Andersen"])
        #expect(lines.first?.free == true && lines.first?.chargedMinorUnits == 0 && lines.first?.currency == "DKK")
        #expect(try lines.first.map { try RecordSamples.protector.reveal($0.nationalID) } == "0101900000")
        #expect(try store.latestIssueByEnrolment()[try RecordSamples.requireID(setup.enrolment.id)]?.cardID == setup.cardIDs[1])

        // A card not in stock fails the whole shipment: no shipment, no issue, no charge is left behind.
        let bad = [try Self.line(setup.cardIDs[2], setup.enrolment, start: "2026-10-15", end: "2027-01-14"),
                   try Self.line("NOPE", setup.enrolment, start: "2027-01-15", end: "2027-04-14")]
        #expect(throws: LabStoreError.cardNotFound("NOPE")) {
            try store.dispatch(bad, customerID: "K-1001", dispatchedOn: Self.day("2026-10-08"))
        }
        #expect(try store.shipments(customerID: "K-1001").count == 1)
        #expect(try store.charges(customerID: nil, from: nil, to: nil).count == 1)
        #expect(try store.card(id: setup.cardIDs[2])?.state == .available)
        #expect(try store.shipments(dispatchedOn: Self.day("2026-10-08")).isEmpty)
    }

    @Test("every refusal of a shipment line, in SQLite's order, and none leaves a row behind", arguments: StoreBackend.dispatchRole)
    func refusals(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        let mine = try RecordSamples.setUp(store, cards: 3)
        let other = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1, nationalID: "020290-0000")
        try store.addCards([Card(id: "F-1", dosimeterType: .finger, stateChangedAt: Date())])
        let sent = Self.day("2026-07-08")
        _ = try store.dispatch([try Self.line(mine.cardIDs[0], mine.enrolment, start: "2026-07-15", end: "2026-10-14")],
                               customerID: "K-1001", dispatchedOn: sent)
        let card = mine.cardIDs[1]
        #expect(throws: LabStoreError.customerNotFound("K-404")) { try store.dispatch([], customerID: "K-404", dispatchedOn: sent) }
        #expect(throws: LabStoreError.cardInWrongState(cardID: mine.cardIDs[0], state: .issued, step: "be issued")) {
            try store.dispatch([try Self.line(mine.cardIDs[0], mine.enrolment, start: "2026-10-15", end: "2027-01-14")],
                               customerID: "K-1001", dispatchedOn: sent)
        }
        var missing = mine.enrolment
        missing.id = Enrolment.ID(rawValue: 987_654)
        #expect(throws: LabStoreError.enrolmentNotFound("\(Enrolment.ID(rawValue: 987_654))")) {
            try store.dispatch([try Self.line(card, missing, start: "2026-10-15", end: "2027-01-14")], customerID: "K-1001", dispatchedOn: sent)
        }
        #expect(throws: LabStoreError.invalidRecord("enrolment \(other.enrolment.number) is not of customer K-1001")) {
            try store.dispatch([try Self.line(card, other.enrolment, start: "2026-10-15", end: "2027-01-14")], customerID: "K-1001", dispatchedOn: sent)
        }
        #expect(throws: LabStoreError.cardTypeMismatch(cardID: "F-1", card: .finger, enrolment: .wholeBody)) {
            try store.dispatch([try Self.line("F-1", mine.enrolment, start: "2026-10-15", end: "2027-01-14")], customerID: "K-1001", dispatchedOn: sent)
        }
        #expect(throws: LabStoreError.invalidRecord("period 2027-01-14…2026-10-15 ends before it starts")) {
            try store.dispatch([try Self.line(card, mine.enrolment, start: "2027-01-14", end: "2026-10-15")], customerID: "K-1001", dispatchedOn: sent)
        }
        #expect(throws: LabStoreError.invalidRecord("a negative price for card \(card)")) {
            try store.dispatch([try Self.line(card, mine.enrolment, start: "2026-10-15", end: "2027-01-14", price: -1)],
                               customerID: "K-1001", dispatchedOn: sent)
        }
        // The enrolment has its card for that period already: the database refuses a second one.
        do {
            _ = try store.dispatch([try Self.line(card, mine.enrolment, start: "2026-07-15", end: "2026-10-14")],
                                   customerID: "K-1001", dispatchedOn: sent)
            Issue.record("a second card for one enrolment and period was sent")
        } catch let error as LabStoreError {
            guard case .constraintViolation = error else { Issue.record("\(error)"); return }
        }
        #expect(try store.shipments(dispatchedOn: sent).count == 1)
        #expect(try store.charges(customerID: nil, from: nil, to: nil).count == 1)
        #expect(try store.cards(state: .available).map(\.id) == ["F-1", mine.cardIDs[1], mine.cardIDs[2], other.cardIDs[0]].sorted())
    }

    @Test("a day's shipments in one transaction: made in order; one bad shipment leaves none of them",
          arguments: StoreBackend.dispatchRole)
    func dayDispatch(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        let a = try RecordSamples.setUp(store, cards: 2)
        let b = try RecordSamples.setUp(store, customerID: "K-1002", cards: 2, nationalID: "020290-0000")
        let day = Self.day("2026-07-08")
        #expect(throws: LabStoreError.cardNotFound("NOPE")) {
            try store.dispatch(shipments: [
                (customerID: "K-1002", lines: [try Self.line(b.cardIDs[0], b.enrolment, start: "2026-07-15", end: "2026-10-14")]),
                (customerID: "K-1001", lines: [try Self.line("NOPE", a.enrolment, start: "2026-07-15", end: "2026-10-14")]),
            ], dispatchedOn: day)
        }
        #expect(try store.shipments(dispatchedOn: day).isEmpty)
        #expect(try store.cards(state: .issued).isEmpty && store.charges(customerID: nil, from: nil, to: nil).isEmpty)
        let made = try store.dispatch(shipments: [
            (customerID: "K-1002", lines: [try Self.line(b.cardIDs[0], b.enrolment, start: "2026-07-15", end: "2026-10-14", price: 9_950)]),
            (customerID: "K-1001", lines: [try Self.line(a.cardIDs[1], a.enrolment, start: "2026-07-15", end: "2026-10-14")]),
        ], dispatchedOn: day)
        #expect(made.map(\.customerID) == ["K-1002", "K-1001"])
        #expect(try store.shipments(dispatchedOn: day) == made)
        #expect(try store.shipments(dispatchedOn: Self.day("2026-07-09")).isEmpty)
        // Ledger order: customer, due day, id.
        #expect(try store.charges(customerID: nil, from: nil, to: nil).map(\.amountMinorUnits) == [12_500, 9_950])
        #expect(try store.charges(customerID: "K-1002", from: nil, to: nil).map(\.cardID) == [b.cardIDs[0]])
    }

    @Test("the ledger keeps one row per issue and kind; listed by customer, due day and id; filtered by due day",
          arguments: StoreBackend.dispatchRole)
    func ledger(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        let a = try RecordSamples.setUp(store, cards: 1)
        let b = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1, nationalID: "020290-0000")
        let sa = try store.dispatch([try Self.line(a.cardIDs[0], a.enrolment, start: "2026-07-15", end: "2026-10-14")],
                                    customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        let sb = try store.dispatch([try Self.line(b.cardIDs[0], b.enrolment, start: "2026-07-15", end: "2026-10-14", price: 9_950)],
                                    customerID: "K-1002", dispatchedOn: Self.day("2026-07-09"))
        let issueA = try #require(try store.issues(customerID: "K-1001").first?.id)
        let issueB = try #require(try store.issues(customerID: "K-1002").first?.id)
        let lostA = Charge(customerID: "K-1001", kind: .notReturned, issueID: issueA, cardID: a.cardIDs[0], dosimeterType: .wholeBody,
                           dueOn: Self.day("2027-01-15"), priceDay: Self.day("2027-01-14"), amountMinorUnits: 40_000, note: "not back")
        let damagedB = Charge(customerID: "K-1002", kind: .damaged, issueID: issueB, cardID: b.cardIDs[0], dosimeterType: .wholeBody,
                              dueOn: Self.day("2026-11-02"), priceDay: Self.day("2026-10-14"), amountMinorUnits: 45_000)
        // The same charge twice in one call, and again later: one row.
        let recorded = try store.recordCharges([lostA, damagedB, lostA])
        #expect(recorded.map(\.kind) == [.notReturned, .damaged])
        #expect(recorded.allSatisfy { $0.id != nil })
        #expect(try store.recordCharges([lostA, damagedB]).isEmpty)
        #expect(try store.recordCharges([]).isEmpty)
        let all = try store.charges(customerID: nil, from: nil, to: nil)
        #expect(all.map(\.kind) == [.cardSent, .notReturned, .cardSent, .damaged])
        #expect(all.map(\.customerID) == ["K-1001", "K-1001", "K-1002", "K-1002"])
        let stored = try #require(all.first { $0.kind == .notReturned })
        #expect(stored.id == recorded.first?.id && stored.amountMinorUnits == 40_000 && stored.note == "not back")
        #expect(stored.dueOn == Self.day("2027-01-15") && stored.priceDay == Self.day("2027-01-14") && !stored.free)
        #expect(try store.charges(customerID: nil, from: Self.day("2026-07-09"), to: Self.day("2026-12-31")).map(\.kind) == [.cardSent, .damaged])
        #expect(try store.charges(customerID: "K-1001", from: Self.day("2026-07-09"), to: nil).map(\.kind) == [.notReturned])
        #expect(try store.charges(customerID: "K-1001", from: nil, to: Self.day("2026-07-08")).map(\.kind) == [.cardSent])
        #expect(try store.charges(customerID: "K-404", from: nil, to: nil).isEmpty)
        #expect(try store.charges(shipment: try RecordSamples.requireID(sa.id)).map(\.kind) == [.cardSent, .notReturned])
        #expect(try store.charges(shipment: try RecordSamples.requireID(sb.id)).map(\.kind) == [.cardSent, .damaged])
        // A charge the schema refuses (free with an amount) records nothing of its call.
        let freeWithAmount = Charge(customerID: "K-1001", kind: .damaged, issueID: issueA, cardID: a.cardIDs[0], dosimeterType: .wholeBody,
                                    dueOn: Self.day("2026-11-02"), priceDay: Self.day("2026-10-14"), amountMinorUnits: 5, free: true)
        let okay = Charge(customerID: "K-1002", kind: .notReturned, issueID: issueB, cardID: b.cardIDs[0], dosimeterType: .wholeBody,
                          dueOn: Self.day("2027-01-15"), priceDay: Self.day("2027-01-14"), amountMinorUnits: 40_000)
        #expect(throws: LabStoreError.self) { try store.recordCharges([okay, freeWithAmount]) }
        #expect(try store.charges(customerID: nil, from: nil, to: nil).count == 4)
    }

    @Test("price lists: the amount in force on a day; the same day again replaces it; listed by type and day",
          arguments: StoreBackend.dispatchRole)
    func priceLists(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: Self.day("2027-07-01"), amountMinorUnits: 35_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: Self.day("2027-01-01"), amountMinorUnits: 30_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .wholeBody, validFrom: Self.day("2026-01-01"), amountMinorUnits: 45_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: Self.day("2027-07-01"), amountMinorUnits: 36_000))
        #expect(try store.compensationPrice(of: .finger, on: Self.day("2026-12-31")) == nil)
        #expect(try store.compensationPrice(of: .finger, on: Self.day("2027-06-30"))?.amountMinorUnits == 30_000)
        #expect(try store.compensationPrice(of: .finger, on: Self.day("2027-07-01")) ==
                CompensationPrice(dosimeterType: .finger, validFrom: Self.day("2027-07-01"), amountMinorUnits: 36_000))
        #expect(try store.compensationPrices().map(\.amountMinorUnits) == [30_000, 36_000, 45_000])
        #expect(throws: LabStoreError.self) {
            try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: Self.day("2028-01-01"), amountMinorUnits: -1))
        }
        #expect(try store.compensationPrices().count == 3)
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2027-01-01"), priceMinorUnits: 13_000))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2026-01-01"), priceMinorUnits: 12_500))
        try store.savePrice(CardPrice(dosimeterType: .neutron, validFrom: Self.day("2026-01-01"), priceMinorUnits: 20_000, currency: "EUR"))
        #expect(try store.cardPrices() == [
            CardPrice(dosimeterType: .neutron, validFrom: Self.day("2026-01-01"), priceMinorUnits: 20_000, currency: "EUR"),
            CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2026-01-01"), priceMinorUnits: 12_500),
            CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2027-01-01"), priceMinorUnits: 13_000),
        ])
    }

    @Test("what a run plans from: enrolments active on a day by customer, each enrolment's latest issue, lines by card",
          arguments: StoreBackend.dispatchRole)
    func planning(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openDispatch()
        let b = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1, nationalID: "020290-0000")
        let a = try RecordSamples.setUp(store, cards: 3)
        let ended = try store.setEnrolmentEnd(id: try RecordSamples.requireID(b.enrolment.id), endDate: Self.day("2026-12-31"))
        #expect(try store.enrolments(activeOn: Self.day("2026-12-31")).map(\.id) == [a.enrolment.id, ended.id])
        #expect(try store.enrolments(activeOn: Self.day("2027-01-01")).map(\.id) == [a.enrolment.id])
        #expect(try store.latestIssueByEnrolment().isEmpty)
        // Sent in two shipments, the later period first; a shipment without charges (issueCards) has no price.
        _ = try store.dispatch([try Self.line(a.cardIDs[2], a.enrolment, start: "2026-10-15", end: "2027-01-14")],
                               customerID: "K-1001", dispatchedOn: Self.day("2026-10-08"))
        let plain = try store.issueCards([IssueRequest(cardID: a.cardIDs[0], enrolmentID: try RecordSamples.requireID(a.enrolment.id),
                                                       periodStart: Self.day("2026-07-15"), periodEnd: Self.day("2026-10-14"))],
                                         customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        let latest = try store.latestIssueByEnrolment()
        #expect(latest.count == 1)
        #expect(latest[try RecordSamples.requireID(a.enrolment.id)]?.cardID == a.cardIDs[2])
        let lines = try store.shipmentLines(try RecordSamples.requireID(plain.id))
        #expect(lines.count == 1 && lines.first?.chargedMinorUnits == nil && lines.first?.currency == nil && lines.first?.free == false)
        #expect(lines.first?.enrolmentNumber == a.enrolment.number && lines.first?.dosimeterType == .wholeBody)
        // Several cards of one shipment: by card number, byte-wise.
        let c = try RecordSamples.setUp(store, customerID: "K-1003", cards: 0, nationalID: "030390-0000")
        let second = try store.enrol(Enrolment(wearerID: c.wearer.id ?? Wearer.ID(rawValue: 0), customerID: "K-1003", dosimeterType: .wholeBody,
                                               periodLength: .threeMonths, startDate: Self.day("2026-07-15"), orderedOn: Self.day("2026-07-01")))
        try store.addCards(["b-9", "B-10"].map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
        let shipment = try store.dispatch([try Self.line("b-9", c.enrolment, start: "2026-07-15", end: "2026-10-14"),
                                           try Self.line("B-10", second, start: "2026-07-15", end: "2026-10-14")],
                                          customerID: "K-1003", dispatchedOn: Self.day("2026-07-08"))
        #expect(try store.shipmentLines(try RecordSamples.requireID(shipment.id)).map(\.cardID) == ["B-10", "b-9"])
        #expect(try store.shipments(dispatchedOn: Self.day("2026-07-08")).map(\.customerID) == ["K-1001", "K-1003"])
    }
}
