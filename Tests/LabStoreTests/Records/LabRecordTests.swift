import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("Lab records: customers, wearers, enrolments, issues, returns")
struct LabRecordTests {
    @Test("a wearer's national ID is stored sealed; the HMAC finds the same wearer; the slip shows 4 digits")
    func nationalIDAtRest() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let store = try fixture.openSQLite()
        let setup = try RecordSamples.setUp(store, nationalID: "241299-1234")
        let again = try store.addWearer(customerID: "K-1001", name: "Anna Andersen",
                                        nationalID: try RecordSamples.protector.protect("2412991234"))
        #expect(again.id == setup.wearer.id)
        #expect(try RecordSamples.protector.firstFourDigits(of: setup.wearer.protectedID) == "2412")
        #expect(try RecordSamples.protector.reveal(setup.wearer.protectedID) == "2412991234")
        // The clear digits appear nowhere in the database file.
        store.database.writer.checkpointIfPossible()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: try #require(fixture.databasePath)))
        #expect(bytes.range(of: Data("2412991234".utf8)) == nil)
        #expect(bytes.range(of: Data("241299-1234".utf8)) == nil)
        // Another key cannot open it.
        let other = try NationalIDProtector(masterKey: Data(repeating: 7, count: 32))
        #expect(throws: NationalIDError.cannotOpen) { try other.reveal(setup.wearer.protectedID) }
    }

    @Test("malformed national IDs and keys are refused without echoing them")
    func nationalIDValidation() throws {
        for bad in ["12345", "321299-1234", "011399-1234", "abcdefghij"] {
            #expect(throws: NationalIDError.malformed) { try RecordSamples.protector.protect(bad) }
        }
        #expect(throws: NationalIDError.self) { try NationalIDProtector(masterKey: Data(count: 16)) }
        #expect(!NationalIDError.malformed.description.contains("321299"))
    }

    @Test("enrolment numbers are TILM- and 8 digits, unique; type and period length must be offered",
          arguments: StoreBackend.labRecordRole)
    func enrolmentNumbers(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store)
        #expect(setup.enrolment.number == "TILM-00000001")
        #expect(Enrolment.isValidNumber(setup.enrolment.number))
        let second = try store.enrol(Enrolment(
            wearerID: try #require(setup.wearer.id), customerID: "K-1001", dosimeterType: .finger,
            periodLength: .twoWeeks, startDate: RecordSamples.day("2026-08-01"), orderedOn: RecordSamples.day("2026-07-20")))
        #expect(second.number == "TILM-00000002")
        #expect(throws: LabStoreError.self) {
            try store.enrol(Enrolment(
                wearerID: try #require(setup.wearer.id), customerID: "K-1001", dosimeterType: .shoulder,
                periodLength: .threeMonths, startDate: RecordSamples.day("2026-08-01"), orderedOn: RecordSamples.day("2026-07-20")))
        }
        #expect(!Enrolment.isValidNumber("TILM-1234567"))
        #expect(!Enrolment.isValidNumber("TILM-1234567X"))
    }

    @Test("issue, intake: a card goes out once, comes back once, only to its customer", arguments: StoreBackend.labRecordRole)
    func issueAndReturn(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store)
        let enrolmentID = try #require(setup.enrolment.id)
        let request = IssueRequest(cardID: setup.cardIDs[0], enrolmentID: enrolmentID,
                                   periodStart: RecordSamples.day("2026-07-15"), periodEnd: RecordSamples.day("2026-10-14"))
        let shipment = try store.issueCards([request], customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        let issued = try store.issues(shipment: try #require(shipment.id))
        #expect(issued.map(\.cardID) == [setup.cardIDs[0]])
        #expect(try store.card(id: setup.cardIDs[0])?.state == .issued)
        // The same card cannot go out twice.
        #expect(throws: LabStoreError.cardInWrongState(cardID: setup.cardIDs[0], state: .issued, step: "be issued")) {
            try store.issueCards([request], customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        }
        // A card of another customer's return is refused.
        _ = try RecordSamples.setUp(store, customerID: "K-2002", cards: 0, nationalID: "020280-0000")
        let foreignReturn = try store.openReturn(customerID: "K-2002", arrivedOn: RecordSamples.day("2026-10-20"))
        let issueID = try #require(issued.first?.id)
        #expect(throws: LabStoreError.self) {
            try store.acceptReturnedCard(issueID: issueID, returnID: try #require(foreignReturn.id), handedOverToName: nil,
                                         scannedCode: setup.cardIDs[0], message: "")
        }
        let ret = try store.openReturn(customerID: "K-1001", arrivedOn: RecordSamples.day("2026-10-20"))
        #expect(try store.openReturn(customerID: "K-1001", arrivedOn: RecordSamples.day("2026-10-21")).id == ret.id)
        let back = try store.acceptReturnedCard(issueID: issueID, returnID: try #require(ret.id), handedOverToName: "Bo Berg",
                                                scannedCode: setup.cardIDs[0], message: "accepted")
        #expect(back.arrivedOn == RecordSamples.day("2026-10-20"))
        #expect(back.daysLate == 6)
        #expect(back.handedOverToName == "Bo Berg")
        #expect(try store.card(id: setup.cardIDs[0])?.state == .returned)
        #expect(try store.outstandingIssues(customerID: "K-1001").isEmpty)
        #expect(try store.scans(returnID: try #require(ret.id)).map(\.outcome) == ["accepted"])
        #expect(throws: LabStoreError.self) {
            try store.acceptReturnedCard(issueID: issueID, returnID: try #require(ret.id), handedOverToName: nil,
                                         scannedCode: setup.cardIDs[0], message: "")
        }
    }

    @Test("a card of the wrong type cannot be issued for an enrolment", arguments: StoreBackend.labRecordRole)
    func typeMismatch(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openLabRecords()
        let setup = try RecordSamples.setUp(store)
        try store.addCards([Card(id: "F-1", dosimeterType: .finger, stateChangedAt: Date())])
        #expect(throws: LabStoreError.cardTypeMismatch(cardID: "F-1", card: .finger, enrolment: .wholeBody)) {
            try store.issueCards([IssueRequest(cardID: "F-1", enrolmentID: try #require(setup.enrolment.id),
                                               periodStart: RecordSamples.day("2026-07-15"), periodEnd: RecordSamples.day("2026-10-14"))],
                                 customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        }
        // Nothing of the refused shipment was kept.
        #expect(try store.shipments(customerID: "K-1001").isEmpty)
    }
}

extension DatabaseWriter {
    /// Checkpoints the WAL into the main file so a byte scan of the file sees every row.
    func checkpointIfPossible() {
        _ = try? writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

@Suite("Store contract: one element's reading")
struct SingleReadingContractTests {
    @Test("reading(batch:card:element:) finds exactly that row", arguments: StoreBackend.labStoreRole)
    func singleReading(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batch = try #require(try store.openSampleBatch().id)
        try store.storeCard("C-1", batch: batch)
        _ = try store.markElementLost(batch: batch, card: "C-2", element: 3, reason: "interrupted")
        let r = try #require(try store.reading(batch: batch, card: "C-1", element: 2))
        #expect(r.cardID == "C-1" && r.element == 2 && r.curve == Samples.curve(channels: 200, seed: 2))
        #expect(try store.reading(batch: batch, card: "C-2", element: 3)?.status == .lost)
        #expect(try store.reading(batch: batch, card: "C-2", element: 1) == nil)
        #expect(try store.reading(batch: batch, card: "C-3", element: 1) == nil)
    }
}

@Suite("Store contract: one card's manifest row")
struct ManifestCardContractTests {
    @Test("manifestCard(batch:card:) finds that card's row only", arguments: StoreBackend.labStoreRole)
    func manifestCard(backend: StoreBackend) throws {
        let store = try backend.makeFixture().open()
        let batch = try #require(try store.openSampleBatch().id)
        try store.saveManifest([BatchCard(batchID: batch, cardID: "C-1", role: .control, annealedAt: nil)])
        #expect(try store.manifestCard(batch: batch, card: "C-1")?.role == .control)
        #expect(try store.manifestCard(batch: batch, card: "C-2") == nil)
    }
}
