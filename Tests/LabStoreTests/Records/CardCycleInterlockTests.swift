import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("Card cycle: interlocks in code and in the database")
struct CardCycleInterlockTests {
    /// A card issued, returned, inspected fit and read in a batch with a stored dose (not released).
    struct ReadCard {
        var store: any LabRecordStore
        var cardID: String
        var batchID: ReadoutBatch.ID
        var dose: DoseResult
    }

    static func readCard(backend: StoreBackend, fixture: StoreFixture) throws -> ReadCard {
        let store = try fixture.openLabRecords()
        let setup = try RecordSamples.setUp(store, cards: 1)
        let cardID = setup.cardIDs[0]
        _ = try store.issueCards([IssueRequest(cardID: cardID, enrolmentID: try #require(setup.enrolment.id),
                                               periodStart: RecordSamples.day("2026-07-15"), periodEnd: RecordSamples.day("2026-10-14"))],
                                 customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        let ret = try store.openReturn(customerID: "K-1001", arrivedOn: RecordSamples.day("2026-10-20"))
        let issue = try #require(try store.currentIssue(cardID: cardID))
        _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(ret.id),
                                         handedOverToName: nil, scannedCode: cardID, message: "accepted")
        _ = try store.saveInspection(CardInspection(cardID: cardID, issueID: nil, stage: .arrival, outcome: .fit,
                                                    damages: [], inspectedBy: "tech", inspectedAt: Date()))
        let batchID = try #require(try store.openSampleBatch().id)
        // Before the card is read it cannot be marked read.
        #expect(try store.markCardsRead(batch: batchID).isEmpty)
        try store.storeCard(cardID, batch: batchID)
        #expect(try store.markCardsRead(batch: batchID) == [cardID])
        #expect(try store.currentIssue(cardID: cardID)?.batchID == batchID)
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: cardID, hp10: 0.4, state: .needsReview))
        return ReadCard(store: store, cardID: cardID, batchID: batchID, dose: dose)
    }

    @Test("the whole cycle: read → released → annealed → zeroed → inspected → available → issued again",
          arguments: StoreBackend.labRecordRole)
    func wholeCycle(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let r = try Self.readCard(backend: backend, fixture: fixture)
        let store = r.store
        // The release, anneal, zeroing and reissue inspection benches need only the cycle's role.
        let cycle = try fixture.openCardCycle()
        #expect(try cycle.markReleasedCards().isEmpty)  // needsReview is not released
        _ = try store.setDoseState(id: try #require(r.dose.id), to: .released,
                                   audit: DoseAudit(who: "physicist A", why: "curve checked"), action: .accepted)
        #expect(try cycle.markReleasedCards() == [r.cardID])
        let audit = try store.doseAudit(cardID: r.cardID)
        #expect(audit.map(\.action) == [.evaluated, .accepted])
        #expect(audit.last?.who == "physicist A")

        // A failed background check leaves the card released: anneal again.
        let run = AnnealRecord(method: .oven, profile: "400 °C 1 h + 100 °C 2 h", startedAt: Date(), endedAt: Date())
        let failed = try cycle.recordAnneal(run, residuals: [r.cardID: 0.2], backgroundLevelMilliSievert: 0.05)
        #expect(failed.map(\.passed) == [false])
        #expect(try cycle.card(id: r.cardID)?.state == .released)
        #expect(throws: LabStoreError.self) { try cycle.zeroCards([r.cardID]) }
        let passed = try cycle.recordAnneal(run, residuals: [r.cardID: 0.01], backgroundLevelMilliSievert: 0.05)
        #expect(passed.map(\.passed) == [true])
        #expect(try cycle.card(id: r.cardID)?.state == .annealed)
        #expect(try cycle.cards(state: .annealed).map(\.id) == [r.cardID])

        // Not reissuable before zeroing and inspection.
        #expect(throws: LabStoreError.self) {
            _ = try cycle.saveInspection(CardInspection(cardID: r.cardID, issueID: nil, stage: .beforeReissue, outcome: .fit,
                                                        damages: [], inspectedBy: "tech", inspectedAt: Date()))
        }
        let zeroedBefore = try cycle.cardElements(cardID: r.cardID).compactMap(\.zeroedAt)
        try cycle.zeroCards([r.cardID])
        let elements = try cycle.cardElements(cardID: r.cardID)
        #expect(elements.count == 4)
        #expect(zip(elements.compactMap(\.zeroedAt), zeroedBefore).allSatisfy { $0 > $1 })
        #expect(try cycle.card(id: r.cardID)?.state == .zeroed)
        _ = try cycle.saveInspection(CardInspection(cardID: r.cardID, issueID: nil, stage: .beforeReissue, outcome: .fit,
                                                    damages: [], inspectedBy: "tech", inspectedAt: Date()))
        #expect(try cycle.inspections(cardID: r.cardID).map(\.stage) == [.arrival, .beforeReissue])
        // The lab-records view of the same store sees what the cycle's role moved.
        let card = try #require(try store.card(id: r.cardID))
        #expect(card.state == .available)
        #expect(card.currentIssueID == nil)
        let enrolment = try #require(try store.enrolments(customerID: "K-1001").first?.id)
        _ = try store.issueCards([IssueRequest(cardID: r.cardID, enrolmentID: enrolment,
                                               periodStart: RecordSamples.day("2026-10-15"), periodEnd: RecordSamples.day("2027-01-14"))],
                                 customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-10-25"))
        #expect(try store.card(id: r.cardID)?.state == .issued)
    }

    @Test("zeroing before release is refused in code", arguments: StoreBackend.labRecordRole)
    func zeroBeforeReleaseInCode(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let r = try Self.readCard(backend: backend, fixture: fixture)
        let cycle = try fixture.openCardCycle()
        #expect(throws: LabStoreError.doseNotReleased(cardID: r.cardID)) { try cycle.zeroCards([r.cardID]) }
        #expect(throws: LabStoreError.self) {
            try cycle.recordAnneal(AnnealRecord(method: .reader, profile: "300 °C 10 s", startedAt: Date(), endedAt: Date()),
                                   residuals: [r.cardID: 0.0], backgroundLevelMilliSievert: 0.05)
        }
        #expect(try cycle.annealRecords().isEmpty)
        #expect(try cycle.card(id: r.cardID)?.state == .read)
        #expect(try cycle.cardElements(cardID: r.cardID).allSatisfy { $0.zeroedAt != nil && $0.zeroedAt! < r.dose.evaluatedAt.addingTimeInterval(1e9) })
    }

    @Test("the database refuses zeroing, releasing and reissuing by raw SQL that bypasses the code")
    func triggersHold() throws {
        let fixture = try StoreFixture(backend: .sqliteFile)
        let r = try Self.readCard(backend: .sqliteFile, fixture: fixture)
        let writer = try #require(r.store as? SQLiteLabStore).database.writer
        func refused(_ sql: String, _ args: StatementArguments = []) -> Bool {
            do { try writer.write { db in try db.execute(sql: sql, arguments: args) }; return false } catch { return true }
        }
        // Skipping states, releasing without a released dose, zeroing elements of an unzeroed card.
        #expect(refused("UPDATE card SET state = 'zeroed' WHERE id = ?", [r.cardID]))
        #expect(refused("UPDATE card SET state = 'released' WHERE id = ?", [r.cardID]))
        #expect(refused("UPDATE card SET state = 'available' WHERE id = ?", [r.cardID]))
        #expect(refused("UPDATE cardElement SET zeroedAt = '2030-01-01 00:00:00.000' WHERE cardID = ?", [r.cardID]))
        // Issuing a card that is not available.
        #expect(refused("""
            INSERT INTO cardIssue (cardID, enrolmentID, customerID, periodStart, periodEnd, issuedAt)
            VALUES (?, 1, 'K-1001', '2027-01-15', '2027-04-14', '2026-11-01 00:00:00.000')
            """, [r.cardID]))
        // Even with the dose released, annealed needs a passed check and zeroed needs annealed.
        _ = try r.store.setDoseState(id: try #require(r.dose.id), to: .released)
        try r.store.markReleasedCards()
        #expect(refused("UPDATE card SET state = 'annealed' WHERE id = ?", [r.cardID]))
        #expect(refused("UPDATE card SET state = 'zeroed' WHERE id = ?", [r.cardID]))
        // The audit trail and the scan log are append-only.
        #expect(refused("DELETE FROM doseAudit"))
        #expect(refused("UPDATE returnScan SET outcome = 'x'"))
        #expect(try r.store.card(id: r.cardID)?.state == .released)
    }

    @Test("inspections: manual QA needs a remark; retire takes a card out; damage elements must exist",
          arguments: StoreBackend.labRecordRole)
    func inspections(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openLabRecords()
        let cycle = try fixture.openCardCycle()  // the inspection bench's role
        let setup = try RecordSamples.setUp(store, cards: 2)
        let enrolment = try #require(setup.enrolment.id)
        _ = try store.issueCards(setup.cardIDs.enumerated().map { i, id in
            IssueRequest(cardID: id, enrolmentID: enrolment, periodStart: RecordSamples.day(i == 0 ? "2026-07-15" : "2026-10-15"),
                         periodEnd: RecordSamples.day(i == 0 ? "2026-10-14" : "2027-01-14"))
        }, customerID: "K-1001", dispatchedOn: RecordSamples.day("2026-07-08"))
        let ret = try #require(try store.openReturn(customerID: "K-1001", arrivedOn: RecordSamples.day("2026-10-20")).id)
        for id in setup.cardIDs {
            let issue = try #require(try store.currentIssue(cardID: id)?.id)
            _ = try store.acceptReturnedCard(issueID: issue, returnID: ret, handedOverToName: nil, scannedCode: id, message: "ok")
        }
        #expect(throws: LabStoreError.invalidInspection("readout with manual QA needs a remark for the result line")) {
            try cycle.saveInspection(CardInspection(cardID: setup.cardIDs[0], issueID: nil, stage: .arrival, outcome: .manualQA,
                                                    damages: [Damage(.crackedPellet, element: 2)], inspectedBy: "tech", inspectedAt: Date()))
        }
        #expect(throws: LabStoreError.elementOutOfRange(element: 5, elementsPerCard: 4)) {
            try cycle.saveInspection(CardInspection(cardID: setup.cardIDs[0], issueID: nil, stage: .arrival, outcome: .fit,
                                                    damages: [Damage(.bubble, element: 5)], inspectedBy: "tech", inspectedAt: Date()))
        }
        let qa = try cycle.saveInspection(CardInspection(
            cardID: setup.cardIDs[0], issueID: nil, stage: .arrival, outcome: .manualQA,
            damages: [Damage(.crackedPellet, element: 2), Damage(.missingHolderFilter)], remark: "cracked pellet 2",
            inspectedBy: "tech", inspectedAt: Date()))
        #expect(try cycle.inspections(cardID: setup.cardIDs[0]) == [qa])
        #expect(try cycle.card(id: setup.cardIDs[0])?.state == .inspected)
        _ = try cycle.saveInspection(CardInspection(cardID: setup.cardIDs[1], issueID: nil, stage: .arrival, outcome: .retire,
                                                    damages: [Damage(.missingPellet, element: 1)], remark: "destroyed",
                                                    inspectedBy: "tech", inspectedAt: Date()))
        #expect(try cycle.card(id: setup.cardIDs[1])?.state == .retired)
    }
}
