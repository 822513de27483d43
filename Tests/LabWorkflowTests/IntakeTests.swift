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
        #expect(try station.scan("99999997") == .unknownCard(cardID: "99999997"))
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
        #expect(station.tally.takenIn == [f.wholeBodyCards[0], f.wholeBodyCards[1], f.fingerCards[0]])
        #expect(station.tally.early == [f.fingerCards[0]])
        #expect(station.tally.putAside.map(\.cardID) == [f.foreignCard, "99999997", "W120"])
        #expect(station.tally.putAside.first?.ownerCustomerID == "K-2002")

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

@Suite("Intake: check digit first, missing list with names, summary")
struct IntakeCheckDigitTests {
    @Test("a number failing its check digit is a misread (scan again), a valid unknown number is a foreign card (put aside)")
    func misreadIsNotForeign() throws {
        let f = try WorkflowFixture()
        // A lab card with a real card number, issued to this customer.
        try f.store.addCards([Card(id: "10000016", dosimeterType: .wholeBody, stateChangedAt: Date())])
        let wearer = try f.store.addWearer(customerID: "K-1001", name: "Dahl, Dorte", nationalID: try f.protector.protect("030382-1004"))
        let enrolment = try f.store.enrol(Enrolment(wearerID: wearer.id!, customerID: "K-1001", dosimeterType: .wholeBody,
                                                    periodLength: .oneMonth, startDate: day("2026-06-01"), orderedOn: day("2026-05-20")))
        _ = try f.store.issueCards([IssueRequest(cardID: "10000016", enrolmentID: enrolment.id!, periodStart: day("2026-06-01"),
                                                 periodEnd: day("2026-06-30"))], customerID: "K-1001", dispatchedOn: day("2026-05-25"))
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"), logger: WorkflowFixture.logger)
        // One digit misread (6 → 3): the Luhn check digit catches it.
        let misread = try station.scan("10000013")
        guard case let .misread(code, problem) = misread else { Issue.record("not a misread: \(misread)"); return }
        #expect(code == "10000013" && problem == .checkDigitMismatch(expected: 6, found: 3))
        #expect(misread.message.hasPrefix("misread: ") && misread.message.hasSuffix("scan again"))
        #expect(!misread.putsAside && !misread.message.contains("aside"))
        // A digit dropped: misread too, never "not a card of this lab".
        #expect(try station.scan("1000001").code == "misread")
        // Two digits swapped is caught as well (Luhn catches adjacent transpositions but 09↔90).
        #expect(try station.scan("01000016").code == "misread")
        // A valid number the lab has no card for: a card of another lab, put aside.
        let foreign = try station.scan("10000024")
        #expect(foreign == .unknownCard(cardID: "10000024") && foreign.putsAside && foreign.message.contains("not a card of this lab"))
        // The good read is taken in; a late one (after the reminder date) is counted as late.
        #expect(try station.scan("10000016").isAccepted)
        #expect(station.tally.takenIn == ["10000016"] && station.tally.late == ["10000016"])
        #expect(station.tally.misreads == ["10000013", "1000001", "01000016"])
        #expect(station.tally.putAside == [IntakeTally.PutAside(cardID: "10000024", ownerCustomerID: nil, reason: "not a card of this lab")])
        let summary = station.tally.lines.joined(separator: "\n")
        #expect(summary.contains("Taken in: 1, 1 late") && summary.contains("Misreads (scanned again?): 3")
                && summary.contains("card 10000024: not a card of this lab"), "\(summary)")
    }

    @Test("a scan the scanner's driver refused (a product bar code) is logged as unreadable and counted with the misreads")
    func refusedByDriver() throws {
        let f = try WorkflowFixture()
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"), logger: WorkflowFixture.logger)
        let outcome = try station.refuse(code: "]E04006381333931", message: "this is a product bar code (EAN/UPC), not a dosimeter card")
        #expect(outcome == .unreadable(code: "]E04006381333931") && !outcome.putsAside)
        let log = try f.store.scans(returnID: try #require(station.customerReturn.id))
        #expect(log.map(\.outcome) == ["unreadable"] && log.first?.message.contains("product bar code") == true)
        #expect(station.tally.misreads == ["]E04006381333931"] && station.tally.takenIn.isEmpty)
    }

    @Test("the missing list names the wearer, the enrolment and the period")
    func missingWithNames() throws {
        let f = try WorkflowFixture()
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"), logger: WorkflowFixture.logger)
        #expect(try station.scan(f.wholeBodyCards[0]).isAccepted)
        let missing = try station.missingList()
        #expect(missing.map(\.cardID) == [f.wholeBodyCards[1], f.wholeBodyCards[2]])
        #expect(missing.map(\.wearerName) == ["Andersen, Anna", "Berg, Bo"])
        #expect(missing.allSatisfy { $0.periodStart == day("2026-07-15") && $0.periodEnd == day("2026-10-14") && $0.dosimeterType == .wholeBody })
        #expect(missing[0].line.contains("Andersen, Anna") && missing[0].line.contains("2026-07-15–2026-10-14"))
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
