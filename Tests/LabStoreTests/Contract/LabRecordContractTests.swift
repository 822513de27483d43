import Foundation
import Synchronization
import Testing
@testable import LabStore

/// The lab-records role (``LabRecordStore``) on every backend that has it: the same results, orders
/// and errors on SQLite and PostgreSQL for the methods the card-cycle tests (CardCycleInterlockTests,
/// LabRecordTests) do not already cover.
@Suite("Store contract: lab records (customers, wearers, enrolments, cards, prices, returns, handovers, anneal)")
struct LabRecordContractTests {
    static let day = RecordSamples.day

    @Test("customers: saved again is changed, not doubled; listed by number; a blank name is refused",
          arguments: StoreBackend.labRecordRole)
    func customers(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        _ = try store.saveCustomer(Customer(id: "K-2", name: "Beta", deliveryAddress: "Vej 2"))
        _ = try store.saveCustomer(Customer(id: "K-10", name: "Gamma"))
        _ = try store.saveCustomer(Customer(id: "K-1", name: "alpha"))
        var changed = Customer(id: "K-2", name: "Beta ApS", deliveryAddress: "Vej 3", contactEmail: "b@b.dk")
        changed.invoiceChannel = .email
        #expect(try store.saveCustomer(changed) == changed)
        #expect(try store.customer(id: "K-2") == changed)
        #expect(try store.customer(id: "K-404") == nil)
        // By code point, as SQLite's BINARY collation orders them.
        #expect(try store.customers().map(\.id) == ["K-1", "K-10", "K-2"])
        #expect(throws: LabStoreError.invalidRecord("a customer needs a number and a name")) {
            try store.saveCustomer(Customer(id: "K-3", name: "  "))
        }
    }

    @Test("wearers: the same national ID finds the same wearer; listed by name then id; an unknown customer is refused",
          arguments: StoreBackend.labRecordRole)
    func wearers(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store, cards: 0)
        let again = try store.addWearer(customerID: "K-1001", name: "Other Name",
                                        nationalID: try RecordSamples.protector.protect("010190-0000"))
        #expect(again == setup.wearer)
        let bo = try store.addWearer(customerID: "K-1001", name: "Bo Berg", nationalID: try RecordSamples.protector.protect("020290-0000"))
        let anna2 = try store.addWearer(customerID: "K-1001", name: "Anna Andersen",
                                        nationalID: try RecordSamples.protector.protect("030390-0000"))
        #expect(try store.wearers(customerID: "K-1001").map(\.id) == [setup.wearer.id, anna2.id, bo.id])
        #expect(try store.wearer(id: try #require(bo.id)) == bo)
        #expect(try store.wearers(customerID: "K-404").isEmpty)
        #expect(throws: LabStoreError.customerNotFound("K-404")) {
            try store.addWearer(customerID: "K-404", name: "X", nationalID: try RecordSamples.protector.protect("040490-0000"))
        }
        #expect(throws: LabStoreError.invalidRecord("a wearer needs a name")) {
            try store.addWearer(customerID: "K-1001", name: " ", nationalID: try RecordSamples.protector.protect("040490-0000"))
        }
    }

    @Test("enrolments: a wearer of another customer is refused; the end date is set and cleared",
          arguments: StoreBackend.labRecordRole)
    func enrolments(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let a = try RecordSamples.setUp(store, cards: 0)
        let b = try RecordSamples.setUp(store, customerID: "K-2002", cards: 0, nationalID: "020280-0000")
        #expect(b.enrolment.number == "TILM-00000002")
        #expect(throws: LabStoreError.self) {
            try store.enrol(Enrolment(wearerID: try #require(b.wearer.id), customerID: "K-1001", dosimeterType: .wholeBody,
                                      periodLength: .oneMonth, startDate: Self.day("2026-08-01"), orderedOn: Self.day("2026-07-01")))
        }
        #expect(throws: LabStoreError.wearerNotFound(999)) {
            try store.enrol(Enrolment(wearerID: Wearer.ID(rawValue: 999), customerID: "K-1001", dosimeterType: .wholeBody,
                                      periodLength: .oneMonth, startDate: Self.day("2026-08-01"), orderedOn: Self.day("2026-07-01")))
        }
        let id = try #require(a.enrolment.id)
        let ended = try store.setEnrolmentEnd(id: id, endDate: Self.day("2026-12-31"))
        #expect(ended.endDate == Self.day("2026-12-31"))
        #expect(try store.enrolment(id: id) == ended)
        #expect(try store.setEnrolmentEnd(id: id, endDate: nil).endDate == nil)
        #expect(try store.enrolments(customerID: "K-1001") == [a.enrolment])
        #expect(throws: LabStoreError.enrolmentNotFound("#999")) {
            try store.setEnrolmentEnd(id: Enrolment.ID(rawValue: 999), endDate: nil)
        }
    }

    @Test("cards: new ones are available with zeroed elements; an existing card is kept; bad ids and counts are refused",
          arguments: StoreBackend.labRecordRole)
    func cards(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openLabRecords()
        try store.addCards([Card(id: "B", dosimeterType: .finger, elementCount: 2, state: .retired, stateChangedAt: Date()),
                            Card(id: "A", dosimeterType: .wholeBody, stateChangedAt: Date())])
        let a = try #require(try store.card(id: "A"))
        #expect(a.state == .available && a.elementCount == 4 && a.currentIssueID == nil)
        #expect(a.stateChangedAt >= TestClock.start)
        let elements = try store.cardElements(cardID: "B")
        #expect(elements.map(\.element) == [1, 2])
        #expect(elements.allSatisfy { $0.zeroedAt == a.stateChangedAt })
        // Added again (another type even): kept as it is.
        try store.addCards([Card(id: "A", dosimeterType: .finger, elementCount: 1, stateChangedAt: Date())])
        #expect(try store.card(id: "A") == a)
        #expect(try store.cardElements(cardID: "A").count == 4)
        #expect(try store.cards(state: .available).map(\.id) == ["A", "B"])
        #expect(try store.cards(state: .issued).isEmpty)
        #expect(try store.card(id: "Z") == nil)
        #expect(throws: LabStoreError.invalidElementsPerCard(5)) {
            try store.addCards([Card(id: "C", dosimeterType: .wholeBody, elementCount: 5, stateChangedAt: Date())])
        }
        #expect(throws: LabStoreError.invalidCardID("")) {
            try store.addCards([Card(id: "", dosimeterType: .wholeBody, stateChangedAt: Date())])
        }
    }

    @Test("prices: the one in force on a day; saving the same day again replaces it", arguments: StoreBackend.labRecordRole)
    func prices(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2026-01-01"), priceMinorUnits: 12_500))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2027-01-01"), priceMinorUnits: 13_000))
        try store.savePrice(CardPrice(dosimeterType: .finger, validFrom: Self.day("2026-06-01"), priceMinorUnits: 9_000, currency: "EUR"))
        #expect(try store.price(of: .wholeBody, on: Self.day("2025-12-31")) == nil)
        #expect(try store.price(of: .wholeBody, on: Self.day("2026-12-31"))?.priceMinorUnits == 12_500)
        #expect(try store.price(of: .wholeBody, on: Self.day("2027-01-01"))?.priceMinorUnits == 13_000)
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2027-01-01"), priceMinorUnits: 14_000))
        #expect(try store.price(of: .wholeBody, on: Self.day("2027-06-01"))
                == CardPrice(dosimeterType: .wholeBody, validFrom: Self.day("2027-01-01"), priceMinorUnits: 14_000))
        #expect(try store.price(of: .finger, on: Self.day("2027-06-01"))?.currency == "EUR")
    }

    @Test("returns: one open per customer, closed once; scans are logged in order; a closed return takes no card",
          arguments: StoreBackend.labRecordRole)
    func returns(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store, cards: 1)
        let shipment = try store.issueCards(
            [IssueRequest(cardID: setup.cardIDs[0], enrolmentID: try #require(setup.enrolment.id),
                          periodStart: Self.day("2026-07-15"), periodEnd: Self.day("2026-10-14"))],
            customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        #expect(try store.shipments(customerID: "K-1001") == [shipment])
        #expect(shipment.dispatchedOn == Self.day("2026-07-08"))
        let issue = try #require(try store.currentIssue(cardID: setup.cardIDs[0]))
        #expect(try store.issue(id: try #require(issue.id)) == issue)
        #expect(try store.issues(customerID: "K-1001") == [issue])
        #expect(try store.outstandingIssues(customerID: "K-1001") == [issue])
        #expect(throws: LabStoreError.customerNotFound("K-404")) {
            try store.openReturn(customerID: "K-404", arrivedOn: Self.day("2026-10-20"))
        }
        let ret = try store.openReturn(customerID: "K-1001", arrivedOn: Self.day("2026-10-20"))
        let retID = try #require(ret.id)
        #expect(try store.openReturns() == [ret])
        let scan = try store.logScan(ReturnScan(returnID: retID, scannedCode: "XYZ", outcome: "unknown",
                                                message: "not a card of ours", scannedAt: Date(timeIntervalSince1970: 0)))
        #expect(scan.scannedAt >= TestClock.start)
        let closed = try store.closeReturn(id: retID)
        #expect(closed.closedAt != nil)
        #expect(try store.closeReturn(id: retID) == closed)
        #expect(try store.openReturns().isEmpty)
        #expect(throws: LabStoreError.returnNotOpen(retID.rawValue)) {
            try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: retID, handedOverToName: nil,
                                         scannedCode: setup.cardIDs[0], message: "")
        }
        #expect(throws: LabStoreError.returnNotOpen(999)) { try store.closeReturn(id: CustomerReturn.ID(rawValue: 999)) }
        // A new return for the same customer after the closed one.
        let second = try store.openReturn(customerID: "K-1001", arrivedOn: Self.day("2026-10-21"))
        #expect(second.id != ret.id)
        _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(second.id), handedOverToName: nil,
                                         scannedCode: setup.cardIDs[0], outcome: "accepted", message: "ok")
        #expect(try store.scans(returnID: retID).map(\.scannedCode) == ["XYZ"])
        #expect(try store.scans(returnID: try #require(second.id)).map(\.outcome) == ["accepted"])
    }

    @Test("a handed-over card: the person becomes a wearer and is enrolled once, with the card's type and period length",
          arguments: StoreBackend.labRecordRole)
    func handover(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store, cards: 2)
        let enrolmentID = try #require(setup.enrolment.id)
        _ = try store.issueCards(setup.cardIDs.enumerated().map { i, id in
            IssueRequest(cardID: id, enrolmentID: enrolmentID, periodStart: Self.day(i == 0 ? "2026-07-15" : "2026-10-15"),
                         periodEnd: Self.day(i == 0 ? "2026-10-14" : "2027-01-14"))
        }, customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        let ret = try #require(try store.openReturn(customerID: "K-1001", arrivedOn: Self.day("2026-10-20")).id)
        let handover = HandoverEnrolment(name: "Bo Berg", nationalID: try RecordSamples.protector.protect("020290-0000"),
                                         startDate: Self.day("2026-11-01"), orderedOn: Self.day("2026-10-20"))
        let first = try #require(try store.currentIssue(cardID: setup.cardIDs[0])?.id)
        let (issue, enrolment) = try store.acceptReturnedCard(issueID: first, returnID: ret, handover: handover,
                                                              scannedCode: setup.cardIDs[0], outcome: "accepted", message: "ok")
        #expect(issue.handedOverToName == "Bo Berg")
        #expect(enrolment.number == "TILM-00000002")
        #expect(enrolment.dosimeterType == .wholeBody && enrolment.periodLength == .threeMonths)
        #expect(enrolment.handedOverFromIssueID == first.rawValue)
        #expect(enrolment.startDate == Self.day("2026-11-01"))
        let bo = try #require(try store.wearers(customerID: "K-1001").first { $0.name == "Bo Berg" })
        #expect(enrolment.wearerID == bo.id)
        // Reported again for the other card: the same person, the same enrolment.
        let second = try #require(try store.currentIssue(cardID: setup.cardIDs[1])?.id)
        #expect(try store.enrolHandover(issueID: second, handover: handover) == enrolment)
        #expect(try store.wearers(customerID: "K-1001").count == 2)
        #expect(try store.enrolments(customerID: "K-1001").count == 2)
        #expect(throws: LabStoreError.issueNotFound(999)) {
            try store.enrolHandover(issueID: CardIssue.ID(rawValue: 999), handover: handover)
        }
    }

    @Test("anneal runs and checks are listed oldest first; a card that is not released is refused, nothing kept",
          arguments: StoreBackend.labRecordRole)
    func annealRecords(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let r = try CardCycleInterlockTests.readCard(backend: backend, fixture: fixture)
        let store = r.store
        let cycle = try fixture.openCardCycle()  // the anneal bench's role
        let run = AnnealRecord(method: .reader, profile: "300 °C 10 s", startedAt: TestClock.start, endedAt: TestClock.start.addingTimeInterval(60))
        #expect(throws: LabStoreError.cardInWrongState(cardID: r.cardID, state: .read, step: "be annealed (its dose must be released first)")) {
            try cycle.recordAnneal(run, residuals: [r.cardID: 0.0], backgroundLevelMilliSievert: 0.05)
        }
        #expect(try cycle.annealRecords().isEmpty)
        #expect(throws: LabStoreError.nonFiniteValue(field: "backgroundLevelMilliSievert")) {
            try cycle.recordAnneal(run, residuals: [:], backgroundLevelMilliSievert: 0)
        }
        _ = try store.setDoseState(id: try #require(r.dose.id), to: .released,
                                   audit: DoseAudit(who: "physicist A", why: "curve checked"), action: .accepted)
        #expect(try cycle.markReleasedCards() == [r.cardID])
        #expect(try cycle.markReleasedCards().isEmpty)
        let failed = try cycle.recordAnneal(run, residuals: [r.cardID: 0.2], backgroundLevelMilliSievert: 0.05)
        let passed = try cycle.recordAnneal(run, residuals: [r.cardID: 0.05], backgroundLevelMilliSievert: 0.05)
        #expect(try cycle.annealChecks(cardID: r.cardID) == failed + passed)
        #expect(try cycle.annealChecks(cardID: r.cardID).map(\.passed) == [false, true])
        let runs = try cycle.annealRecords()
        #expect(runs.count == 2)
        #expect(runs.map(\.id) == (failed + passed).map(\.annealID))
        #expect(runs.first?.method == .reader && runs.first?.profile == "300 °C 10 s")
        #expect(runs.first?.endedAt == TestClock.start.addingTimeInterval(60))
        #expect(try cycle.card(id: r.cardID)?.state == .annealed)
        #expect(throws: LabStoreError.cardNotFound("nope")) { try cycle.zeroCards(["nope"]) }
    }

    /// What one desk got in ``twoDesks(backend:)``.
    struct Desk: Sendable {
        var wearers: [Wearer.ID?] = []
        var returns: [CustomerReturn.ID?] = []
        var issued: [String] = []
        var refused: [String] = []
    }

    /// One desk's work: for each of 8 people, add them, enrol them, open the customer's return and
    /// issue card `i` to them (the other desk tries the same card).
    static func deskWork(_ store: any LabRecordStore, desk: Int, cards: [String]) throws -> Desk {
        var mine = Desk()
        for i in 0..<8 {
            let person = String(format: "0101%02d-%04d", 60 + i, 1000 + i)
            let wearer = try store.addWearer(customerID: "K-1001", name: "Person \(i)", nationalID: try RecordSamples.protector.protect(person))
            mine.wearers.append(wearer.id)
            let enrolment = try store.enrol(Enrolment(
                wearerID: try RecordSamples.requireID(wearer.id), customerID: "K-1001", dosimeterType: .wholeBody,
                periodLength: .threeMonths, startDate: day(desk == 0 ? "2026-07-15" : "2026-08-15"), orderedOn: day("2026-07-01")))
            mine.returns.append(try store.openReturn(customerID: "K-1001", arrivedOn: day("2026-10-20")).id)
            let request = IssueRequest(cardID: cards[i], enrolmentID: try RecordSamples.requireID(enrolment.id),
                                       periodStart: enrolment.startDate, periodEnd: day("2026-12-31"))
            let lost = LabStoreError.cardInWrongState(cardID: cards[i], state: .issued, step: "be issued")
            do {
                _ = try store.issueCards([request], customerID: "K-1001", dispatchedOn: day("2026-07-08"))
                mine.issued.append(cards[i])
            } catch {
                guard error == lost else { throw error }
                mine.refused.append(cards[i])
            }
        }
        return mine
    }

    @Test("two desks at once: the same person is one wearer, every TILM- number once, one open return, each card issued once",
          arguments: StoreBackend.labRecordRole)
    func twoDesks(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let setup = try RecordSamples.setUp(try fixture.openLabRecords(), cards: 8)
        let desks = [try fixture.openLabRecords(), try fixture.openLabRecords()]
        let cards = setup.cardIDs
        let results = Mutex<[Int: Desk]>([:])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { desk in
            do {
                let mine = try Self.deskWork(desks[desk], desk: desk, cards: cards)
                results.withLock { $0[desk] = mine }
            } catch {
                failures.withLock { $0.append("desk \(desk): \(error)") }
            }
        }
        let problems: [String] = failures.withLock { $0 }
        #expect(problems.isEmpty, "\(problems)")
        let r: [Int: Desk] = results.withLock { $0 }
        let a: Desk = try #require(r[0])
        let b: Desk = try #require(r[1])
        #expect(a.wearers == b.wearers, "the same person found by both desks")
        let distinctWearers: Set<Wearer.ID?> = Set(a.wearers)
        #expect(distinctWearers.count == 8)
        let distinctReturns: Set<CustomerReturn.ID?> = Set(a.returns + b.returns)
        #expect(distinctReturns.count == 1, "one open return for the customer")
        let issued: [String] = (a.issued + b.issued).sorted()
        let refused: [String] = (a.refused + b.refused).sorted()
        #expect(issued == cards, "each card issued once")
        #expect(refused == cards, "and refused to the other desk")
        let check = try fixture.openLabRecords()
        var expected: [String] = []
        for n in 1...17 { expected.append(Enrolment.number(sequence: n)) }
        let numbers: [String] = try check.enrolments(customerID: "K-1001").map { $0.number }
        #expect(numbers == expected)
        #expect(try check.wearers(customerID: "K-1001").count == 9)
        #expect(try check.issues(customerID: "K-1001").count == 8)
        #expect(try check.cards(state: .issued).count == 8)
    }
}
