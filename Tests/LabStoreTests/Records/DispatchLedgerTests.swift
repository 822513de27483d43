import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("Dispatch store: shipment with charges in one transaction, price lists, an append-only ledger")
struct DispatchLedgerTests {
    static func dispatched(_ backend: StoreBackend) throws -> (SQLiteLabStore, RecordSamples.Setup, Shipment) {
        let store = try StoreFixture(backend: backend).openSQLite()
        let setup = try RecordSamples.setUp(store, cards: 2)
        let line = DispatchLine(request: IssueRequest(cardID: setup.cardIDs[0], enrolmentID: try RecordSamples.requireID(setup.enrolment.id),
                                                      periodStart: RecordSamples.day("2026-07-15"), periodEnd: RecordSamples.day("2026-10-14")),
                                priceMinorUnits: 12_500)
        let shipment = try store.dispatch([line], customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        return (store, setup, shipment)
    }

    @Test("a shipment, its issue, the card's move and the card-sent charge are written together", arguments: StoreBackend.allCases)
    func dispatchWritesCharge(backend: StoreBackend) throws {
        let (store, setup, shipment) = try Self.dispatched(backend)
        #expect(try store.card(id: setup.cardIDs[0])?.state == .issued)
        let charges = try store.charges(shipment: try RecordSamples.requireID(shipment.id))
        #expect(charges.map(\.kind) == [.cardSent] && charges[0].amountMinorUnits == 12_500 && charges[0].dueOn == RecordSamples.day("2026-07-08"))
        let lines = try store.shipmentLines(try RecordSamples.requireID(shipment.id))
        #expect(lines.map(\.wearerName) == ["Anna Andersen"] && lines[0].chargedMinorUnits == 12_500 && !lines[0].free)
        #expect(try store.latestIssueByEnrolment()[try RecordSamples.requireID(setup.enrolment.id)]?.cardID == setup.cardIDs[0])
        // A card not in stock fails the whole shipment: no shipment, no issue, no charge is left behind.
        let bad = [DispatchLine(request: IssueRequest(cardID: setup.cardIDs[1], enrolmentID: try RecordSamples.requireID(setup.enrolment.id),
                                                      periodStart: RecordSamples.day("2026-10-15"), periodEnd: RecordSamples.day("2027-01-14")),
                                priceMinorUnits: 12_500),
                   DispatchLine(request: IssueRequest(cardID: "NOPE", enrolmentID: try RecordSamples.requireID(setup.enrolment.id),
                                                      periodStart: RecordSamples.day("2027-01-15"), periodEnd: RecordSamples.day("2027-04-14")),
                                priceMinorUnits: 12_500)]
        #expect(throws: LabStoreError.cardNotFound("NOPE")) { try store.dispatch(bad, customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-10-08")) }
        #expect(try store.shipments(customerID: "K-1001").count == 1)
        #expect(try store.charges(customerID: nil, from: nil, to: nil).count == 1)
        #expect(try store.card(id: setup.cardIDs[1])?.state == .available)
    }

    @Test("the ledger is append-only: recording twice keeps one row, the database refuses update and delete", arguments: StoreBackend.allCases)
    func appendOnly(backend: StoreBackend) throws {
        let (store, setup, _) = try Self.dispatched(backend)
        let issue = try #require(try store.issues(customerID: "K-1001").first?.id)
        let charge = Charge(customerID: "K-1001", kind: .notReturned, issueID: issue, cardID: setup.cardIDs[0], dosimeterType: .wholeBody,
                            dueOn: RecordSamples.day("2027-01-15"), priceDay: RecordSamples.day("2027-01-14"), amountMinorUnits: 40_000)
        #expect(try store.recordCharges([charge]).count == 1)
        #expect(try store.recordCharges([charge]).isEmpty)
        #expect(try store.charges(customerID: "K-1001", from: RecordSamples.day("2027-01-01"), to: nil).map(\.kind) == [.notReturned])
        #expect(throws: (any Error).self) { try store.database.writer.write { try $0.execute(sql: "UPDATE charge SET amountMinorUnits = 0") } }
        #expect(throws: (any Error).self) { try store.database.writer.write { try $0.execute(sql: "DELETE FROM charge") } }
        #expect(throws: (any Error).self) {
            try store.database.writer.write { try $0.execute(sql: "INSERT INTO charge (customerID, kind, issueID, cardID, dosimeterType, dueOn, priceDay, amountMinorUnits, currency, free, recordedAt) VALUES ('K-1001', 'damaged', \(issue.rawValue), 'x', 'wholeBody', '2027-01-01', '2027-01-01', 5, 'DKK', 1, '2027-01-01')") }
        }
        #expect(try store.charges(customerID: nil, from: nil, to: nil).map(\.amountMinorUnits) == [12_500, 40_000])
    }

    @Test("compensation amounts: the one in force on a day; setting the same day again replaces it", arguments: StoreBackend.allCases)
    func compensationPrices(backend: StoreBackend) throws {
        let store = try StoreFixture(backend: backend).openSQLite()
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: RecordSamples.day("2027-01-01"), amountMinorUnits: 30_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: RecordSamples.day("2027-07-01"), amountMinorUnits: 35_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: RecordSamples.day("2027-07-01"), amountMinorUnits: 36_000))
        #expect(try store.compensationPrice(of: .finger, on: RecordSamples.day("2026-12-31")) == nil)
        #expect(try store.compensationPrice(of: .finger, on: RecordSamples.day("2027-06-30"))?.amountMinorUnits == 30_000)
        #expect(try store.compensationPrice(of: .finger, on: RecordSamples.day("2027-07-01"))?.amountMinorUnits == 36_000)
        #expect(try store.compensationPrices().count == 2)
        #expect(throws: (any Error).self) {
            try store.saveCompensationPrice(CompensationPrice(dosimeterType: .finger, validFrom: RecordSamples.day("2028-01-01"), amountMinorUnits: -1))
        }
    }
}
