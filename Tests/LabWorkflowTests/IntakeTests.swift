import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Intake: every scan checked, clear outcome, missing cards listed")
struct IntakeTests {
    @Test("a bench session: good, early, duplicate, foreign, unknown, stock and unreadable scans")
    func session() throws {
        let f = try WorkflowFixture()
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"),
                                             logger: WorkflowFixture.logger)
        station.reportHandover(cardID: f.wholeBodyCards[1], to: "Carl Carlsen")
        let a = try station.scan(f.wholeBodyCards[0])
        #expect(a.cue == .success)
        guard case let .accepted(card, _, end, days) = a else { Issue.record("not accepted: \(a)"); return }
        #expect((card, end, days) == (f.wholeBodyCards[0], day("2026-10-14"), 6))
        #expect(try station.scan(" \(f.wholeBodyCards[1]) ").isAccepted)
        let early = try station.scan(f.fingerCards[0])  // period ends 2026-10-31
        #expect(early.isAccepted && early.cue == .warning)
        #expect(try station.scan(f.wholeBodyCards[0]) == .alreadyScanned(cardID: f.wholeBodyCards[0]))
        #expect(try station.scan(f.foreignCard) == .otherCustomer(cardID: f.foreignCard, customerID: "K-2002"))
        #expect(try station.scan("99999999") == .unknownCard(cardID: "99999999"))
        #expect(try station.scan("W120") == .notIssued(cardID: "W120", state: .available))
        #expect(try station.scan("W1\u{07}2").cue == .error)
        #expect(try station.scan("") == .unreadable(code: ""))

        // The card not scanned is missing; the foreign card is still out with its own customer.
        #expect(try station.missingCards().map(\.cardID) == [f.wholeBodyCards[2]])
        #expect(try f.store.card(id: f.foreignCard)?.state == .issued)
        #expect(try f.store.currentIssue(cardID: f.wholeBodyCards[1])?.handedOverToName == "Carl Carlsen")
        let log = try f.store.scans(returnID: try #require(station.customerReturn.id))
        #expect(log.map(\.outcome) == ["accepted", "accepted", "acceptedEarly", "alreadyScanned", "otherCustomer",
                                       "unknownCard", "notIssued", "unreadable", "unreadable"])

        // Reopening (after a crash) continues the same return and knows what is in.
        var again = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-21"), logger: WorkflowFixture.logger)
        #expect(again.customerReturn.id == station.customerReturn.id)
        #expect(try again.scan(f.wholeBodyCards[1]) == .alreadyScanned(cardID: f.wholeBodyCards[1]))
        _ = try again.close()
        #expect(try f.store.openReturns().isEmpty)
    }

    @Test("the rules are a pure function: each check in order", arguments: [
        (false, false, "K-1001", CardState.issued, false, "unknownCard"),
        (true, false, "K-1001", CardState.available, false, "notIssued"),
        (true, true, "K-2002", CardState.issued, false, "otherCustomer"),
        (true, true, "K-1001", CardState.issued, true, "alreadyScanned"),
        (true, true, "K-1001", CardState.issued, false, "accepted"),
    ])
    func rules(known: Bool, issued: Bool, owner: String, state: CardState, scanned: Bool, expected: String) {
        let card = known ? Card(id: "C1", dosimeterType: .wholeBody, state: state, stateChangedAt: Date()) : nil
        let issue = issued ? CardIssue(id: CardIssue.ID(rawValue: 7), cardID: "C1", enrolmentID: Enrolment.ID(rawValue: 1), customerID: owner,
                                       periodStart: day("2026-07-15"), periodEnd: day("2026-10-14"), issuedAt: Date()) : nil
        let outcome = IntakeRules.classify(code: "C1", card: card, currentIssue: issue, customerID: "K-1001",
                                           returnID: CustomerReturn.ID(rawValue: 1), scannedInThisReturn: scanned,
                                           arrivedOn: day("2026-10-15"))
        #expect(outcome.code == expected)
        #expect(!outcome.message.isEmpty)
    }
}

@Suite("Intake: a card handed over to another person")
struct HandoverTests {
    @Test("with the person's national ID the lab enrols them from the next period; the original enrolment stays")
    func handoverEnrols() throws {
        let f = try WorkflowFixture()
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"), logger: WorkflowFixture.logger)
        let before = try f.store.enrolments(customerID: "K-1001")
        station.reportHandover(cardID: f.wholeBodyCards[0], to: "Dahl, Dorte", nationalID: try f.protector.protect("090909-0909"),
                               birthDate: NationalIDBirthDate.birthDate(cprDigits: "0909090909"))
        #expect(try station.scan(f.wholeBodyCards[0]).isAccepted)
        // Scanned again after a crash: no second enrolment.
        #expect(try station.scan(f.wholeBodyCards[0]) == .alreadyScanned(cardID: f.wholeBodyCards[0]))
        let after = try f.store.enrolments(customerID: "K-1001")
        #expect(after.count == before.count + 1)
        let new = try #require(after.last)
        #expect(new.dosimeterType == .wholeBody && new.periodLength == .threeMonths)
        #expect(new.startDate == day("2026-10-15"))
        #expect(new.handedOverFromIssueID != nil)
        let wearer = try #require(try f.store.wearer(id: new.wearerID))
        #expect(wearer.name == "Dahl, Dorte")
        #expect(try f.protector.firstFourDigits(of: wearer.protectedID) == "0909")
        #expect(wearer.birthDate == day("1909-09-09"), "a wearer added by a handover has the birth date their ID carries")
    }
}
