import Foundation
import Testing
@testable import LabStore

/// A small portal lab for the portal contract: two customers (K-1001, K-1002), each with a wearer, an
/// enrolment and a card sent; a customer account each (alice, bob) and two lab accounts.
struct PortalSamples {
    static let hash = "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01"
    static let day = RecordSamples.day

    var alice: PortalAccount
    var bob: PortalAccount
    var lab1: PortalAccount
    var lab2: PortalAccount
    var first: RecordSamples.Setup
    var second: RecordSamples.Setup

    init(_ store: any PortalRoleStore) throws {
        first = try RecordSamples.setUp(store, customerID: "K-1001", cards: 1, nationalID: "010190-0000")
        second = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1, nationalID: "020290-0000")
        for setup in [first, second] {
            _ = try store.issueCards([IssueRequest(cardID: setup.cardIDs[0], enrolmentID: try RecordSamples.requireID(setup.enrolment.id),
                                                   periodStart: setup.enrolment.startDate, periodEnd: Self.day("2026-10-14"))],
                                     customerID: setup.customer.id, dispatchedOn: Self.day("2026-07-08"))
        }
        alice = try store.addAccount(PortalAccount(userName: "alice", passwordHash: Self.hash, role: .customer, customerID: "K-1001"))
        bob = try store.addAccount(PortalAccount(userName: "bob", passwordHash: Self.hash, role: .customer, customerID: "K-1002"))
        lab1 = try store.addAccount(PortalAccount(userName: "lab1", passwordHash: Self.hash, role: .lab, customerID: nil))
        lab2 = try store.addAccount(PortalAccount(userName: "lab2", passwordHash: Self.hash, role: .lab, customerID: nil))
    }

    /// A sent "enrol" submission of K-1001 by alice.
    func sentEnrolment(_ store: any PortalRoleStore, token: String = "tok-enrol") throws -> PortalSubmission {
        try store.saveSubmission(
            PortalSubmission(customerID: "K-1001", kind: .enrol, state: .sent, fields: ["wearerName": "Sørensen, Anne"],
                             nationalID: try RecordSamples.protector.protect("150385-4321"), submitterName: "Mette",
                             submitterPhone: "+45 1", submitterEmail: "m@k.dk", resumeToken: token,
                             createdBy: try #require(alice.id)),
            by: alice, action: "sent", outbox: nil)
    }

    /// What accepting ``sentEnrolment(_:token:)`` applies.
    static func enrolChange(startDate: String = "2026-11-01", endDate: String? = nil) throws -> MasterDataChange {
        .enrol(name: "Sørensen, Anne", nationalID: try RecordSamples.protector.protect("150385-4321"), birthDate: day("1985-03-15"),
               enrolment: Enrolment(wearerID: Wearer.ID(rawValue: 0), customerID: "", dosimeterType: .finger, periodLength: .oneMonth,
                                    startDate: day(startDate), endDate: endDate.map(day), orderedOn: day("2026-10-20")))
    }
}

/// The customer portal's store roles (``PortalStore``, ``PortalAgreementStore``,
/// ``PortalWearerAccessStore``, ``PortalOverviewStore``) on every backend that has them: the same
/// results, orders, refusals and audit lines on SQLite and PostgreSQL. Sessions:
/// PortalSessionContractTests; two lab users at once: PortalConcurrencyContractTests.
@Suite("Store contract: the customer portal (accounts, submissions, accepting changes, agreement forms, wearer access, overview)")
struct PortalContractTests {
    static let day = RecordSamples.day

    @Test("accounts: a user name in any case is one account; refusals; listed by name in byte order; disabling is audited",
          arguments: StoreBackend.portalRole)
    func accounts(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        #expect(s.alice.id != nil && s.alice.userName == "alice" && s.alice.role == .customer && s.alice.customerID == "K-1001")
        #expect(try store.account(userName: "ALICE") == s.alice)
        #expect(try store.account(id: try #require(s.bob.id)) == s.bob)
        #expect(try store.account(userName: "nobody") == nil)
        #expect(throws: LabStoreError.invalidRecord("the user name Alice is taken")) {
            try store.addAccount(PortalAccount(userName: " Alice ", passwordHash: PortalSamples.hash, role: .lab, customerID: nil))
        }
        #expect(throws: LabStoreError.invalidRecord("an account needs a user name")) {
            try store.addAccount(PortalAccount(userName: "  ", passwordHash: PortalSamples.hash, role: .lab, customerID: nil))
        }
        #expect(throws: LabStoreError.customerNotFound("K-404")) {
            try store.addAccount(PortalAccount(userName: "carl", passwordHash: PortalSamples.hash, role: .customer, customerID: "K-404"))
        }
        // A wearer account belongs to a wearer of its customer (the database's interlock on both backends).
        #expect(throws: LabStoreError.immutableRow(message: "a wearer account belongs to a wearer of its customer")) {
            try store.addAccount(PortalAccount(userName: "anna", passwordHash: PortalSamples.hash, role: .wearer, customerID: "K-1002",
                                               wearerID: s.first.wearer.id?.rawValue))
        }
        let zed = try store.addAccount(PortalAccount(userName: "Zed", passwordHash: PortalSamples.hash, role: .lab, customerID: nil,
                                                     displayName: "Zed Z."))
        // By name, letters in any case alike (SQLite's NOCASE column, tld_nocase on PostgreSQL).
        #expect(try store.accounts().map(\.userName) == ["alice", "bob", "lab1", "lab2", "Zed"])
        #expect(zed.displayName == "Zed Z." && !zed.disabled)

        let disabled = try store.setAccountDisabled(userName: "BOB", disabled: true)
        #expect(disabled.disabled && disabled.userName == "bob")
        #expect(try store.account(userName: "bob")?.disabled == true)
        #expect(try store.setAccountDisabled(userName: "bob", disabled: false).disabled == false)
        #expect(throws: LabStoreError.invalidRecord("no portal account nobody")) {
            try store.setAccountDisabled(userName: "nobody", disabled: true)
        }
        let trail = try store.auditTrail(submissionID: nil)
        #expect(trail.prefix(3).map(\.action) == ["account enabled", "account disabled", "account added"])
        #expect(trail.first?.userName == "bob" && trail.first?.customerID == "K-1002")
        #expect(trail.filter { $0.action == "account added" }.map(\.userName) == ["Zed", "lab2", "lab1", "bob", "alice"])
        #expect(trail.first { $0.userName == "lab1" }?.detail == "lab")
    }

    @Test("submissions: a draft is saved and changed, then sent once; never changed after; read by token, customer and state",
          arguments: StoreBackend.portalRole)
    func submissions(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let aliceID = try #require(s.alice.id)
        let sealed = try RecordSamples.protector.protect("150385-4321")
        var draft = try store.saveSubmission(
            PortalSubmission(customerID: "K-1001", kind: .enrol, fields: ["wearerName": "Sørensen, Anne", "type": "finger"],
                             nationalID: sealed, resumeToken: "tok-1", createdBy: aliceID),
            by: s.alice, action: "saved",
            outbox: PortalOutboxMessage(at: Date(), recipient: "m@k.dk", subject: "Resume", body: "https://portal/resume/tok-1"))
        let draftID = try #require(draft.id)
        #expect(draft.state == .draft && draft.sentAt == nil)
        #expect(try store.submission(id: draftID) == draft)
        #expect(try store.submission(resumeToken: "tok-1") == draft)
        #expect(try store.submission(resumeToken: "tok-x") == nil)

        draft.fields["type"] = "wholeBody"
        draft.kind = .enrol
        draft.submitterName = "Mette Jensen"
        draft.state = .sent
        let sent = try store.saveSubmission(draft, by: s.alice, action: "sent", outbox: nil)
        #expect(sent.id == draftID && sent.state == .sent && sent.sentAt != nil)
        let read = try #require(try store.submission(id: draftID))
        #expect(read == sent)
        #expect(read.fields == ["wearerName": "Sørensen, Anne", "type": "wholeBody"])
        #expect(read.nationalID == sealed && read.submitterName == "Mette Jensen")

        var again = sent
        again.fields["type"] = "finger"
        #expect(throws: LabStoreError.invalidRecord("submission \(draftID) was already sent; it cannot be changed")) {
            try store.saveSubmission(again, by: s.alice, action: "saved", outbox: nil)
        }
        // Another customer's ID is refused with the same words (nothing tells it exists).
        var hijack = sent
        hijack.customerID = "K-1002"
        hijack.state = .draft
        #expect(throws: LabStoreError.invalidRecord("submission \(draftID) was already sent; it cannot be changed")) {
            try store.saveSubmission(hijack, by: s.bob, action: "saved", outbox: nil)
        }
        #expect(throws: LabStoreError.invalidRecord("no portal submission 9999")) {
            var missing = sent
            missing.id = 9999
            return try store.saveSubmission(missing, by: s.alice, action: "saved", outbox: nil)
        }

        let company = try store.saveSubmission(
            PortalSubmission(customerID: "K-1001", kind: .companyData, fields: ["name": "Alice ApS"], resumeToken: "tok-2", createdBy: aliceID),
            by: s.alice, action: "saved", outbox: nil)
        let bobs = try store.saveSubmission(
            PortalSubmission(customerID: "K-1002", kind: .unenrol, state: .sent, resumeToken: "tok-3", createdBy: try #require(s.bob.id)),
            by: s.bob, action: "sent", outbox: nil)
        #expect(try store.submissions(customerID: "K-1001").map(\.id) == [company.id, sent.id])
        #expect(try store.submissions(state: .sent).map(\.id) == [sent.id, bobs.id])
        #expect(try store.submissions(state: .draft).map(\.id) == [company.id])
        #expect(try store.submissions(customerID: "K-404").isEmpty)

        // The outbox message names its submission; the audit trail of one submission, newest first.
        let mail = try #require(try store.outbox().first)
        #expect(mail.submissionID == draftID && mail.recipient == "m@k.dk" && mail.body == "https://portal/resume/tok-1")
        let trail = try store.auditTrail(submissionID: draftID)
        #expect(trail.map(\.action) == ["sent", "saved"])
        #expect(trail.allSatisfy { $0.userName == "alice" && $0.customerID == "K-1001" && $0.detail == "enrol" && $0.accountID == aliceID })
        // Never a national ID in the audit trail.
        #expect(!(try store.auditTrail(submissionID: nil)).contains { $0.detail.contains("150385") })
    }

    @Test("accepting an enrolment: the person is added (or found) and enrolled, the submission accepted and audited, once",
          arguments: StoreBackend.portalRole)
    func acceptEnrol(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let sent = try s.sentEnrolment(store)
        let id = try #require(sent.id)
        let versionBefore = try store.overviewVersion(customerID: "K-1001")
        let accepted = try store.acceptSubmission(id: id, change: try PortalSamples.enrolChange(), by: s.lab1)
        #expect(accepted.state == .accepted && accepted.decidedBy == s.lab1.id && accepted.decidedAt != nil)
        #expect(accepted.outcome == "TILM-00000003 enrolled")
        #expect(try store.submission(id: id) == accepted)
        let wearer = try #require(try store.wearers(customerID: "K-1001").first { $0.name == "Sørensen, Anne" })
        #expect(wearer.birthDate == Self.day("1985-03-15"))
        let enrolment = try #require(try store.enrolment(number: "TILM-00000003"))
        #expect(enrolment.wearerID == wearer.id && enrolment.customerID == "K-1001" && enrolment.dosimeterType == .finger)
        #expect(try store.overviewVersion(customerID: "K-1001") > versionBefore)
        let line = try #require(try store.auditTrail(submissionID: id).first)
        #expect(line.action == "accepted" && line.userName == "lab1" && line.detail == "TILM-00000003 enrolled")

        #expect(throws: LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")) {
            try store.acceptSubmission(id: id, change: try PortalSamples.enrolChange(), by: s.lab2)
        }
        #expect(throws: LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")) {
            try store.rejectSubmission(id: id, reason: "late", by: s.lab2)
        }
        // The same person sent again is found by national ID, not added twice.
        let second = try s.sentEnrolment(store, token: "tok-again")
        let outcome = try store.acceptSubmission(id: try #require(second.id), change: try PortalSamples.enrolChange(startDate: "2027-01-01"),
                                                 by: s.lab1).outcome
        #expect(outcome == "TILM-00000004 enrolled")
        #expect(try store.wearers(customerID: "K-1001").filter { $0.name == "Sørensen, Anne" }.count == 1)
    }

    @Test("accepting is all or nothing: a refused change leaves the submission sent, no person added, no audit line",
          arguments: StoreBackend.portalRole)
    func acceptAllOrNothing(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let sent = try s.sentEnrolment(store)
        let id = try #require(sent.id)
        #expect(throws: LabStoreError.invalidRecord("the enrolment ends (2026-10-01) before it starts (2026-11-01)")) {
            try store.acceptSubmission(id: id, change: try PortalSamples.enrolChange(endDate: "2026-10-01"), by: s.lab1)
        }
        #expect(try store.submission(id: id)?.state == .sent)
        #expect(try store.wearers(customerID: "K-1001").count == 1)
        #expect(try store.auditTrail(submissionID: id).map(\.action) == ["sent"])
        #expect(throws: LabStoreError.invalidRecord("submission 9999 is not waiting for a decision")) {
            try store.acceptSubmission(id: 9999, change: try PortalSamples.enrolChange(), by: s.lab1)
        }
    }

    @Test("accepting an unenrolment, a handover and company data: only the submitting customer's records change",
          arguments: StoreBackend.portalRole)
    func acceptOtherKinds(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let aliceID = try #require(s.alice.id)
        func send(_ kind: SubmissionKind, _ token: String) throws -> Int64 {
            try #require(try store.saveSubmission(PortalSubmission(customerID: "K-1001", kind: kind, state: .sent, resumeToken: token,
                                                                   createdBy: aliceID), by: s.alice, action: "sent", outbox: nil).id)
        }
        // Unenrolment: K-1002's enrolment is not found for K-1001; its own ends.
        let unenrol = try send(.unenrol, "u")
        #expect(throws: LabStoreError.enrolmentNotFound(s.second.enrolment.number)) {
            try store.acceptSubmission(id: unenrol, change: .endEnrolment(number: s.second.enrolment.number, lastDay: Self.day("2026-12-31")), by: s.lab1)
        }
        let ended = try store.acceptSubmission(
            id: unenrol, change: .endEnrolment(number: s.first.enrolment.number, lastDay: Self.day("2026-12-31")), by: s.lab1)
        #expect(ended.outcome == "\(s.first.enrolment.number) ends 2026-12-31")
        #expect(try store.enrolment(number: s.first.enrolment.number)?.endDate == Self.day("2026-12-31"))
        #expect(try store.enrolment(number: s.second.enrolment.number)?.endDate == nil)

        // Handover: K-1002's card was not sent to K-1001; K-1001's own card enrols the new person.
        let handover = try send(.handover, "h")
        let person = HandoverEnrolment(name: "Berg, Bo", nationalID: try RecordSamples.protector.protect("030385-1111"),
                                       startDate: Self.day("2026-10-15"), orderedOn: Self.day("2026-10-20"), birthDate: Self.day("1985-03-03"))
        #expect(throws: LabStoreError.invalidRecord("card \(s.second.cardIDs[0]) was not sent to K-1001")) {
            try store.acceptSubmission(id: handover, change: .handover(cardID: s.second.cardIDs[0], handover: person), by: s.lab1)
        }
        let handed = try store.acceptSubmission(id: handover, change: .handover(cardID: s.first.cardIDs[0], handover: person), by: s.lab1)
        #expect(handed.outcome == "card \(s.first.cardIDs[0]) handed over: TILM-00000003")
        let bo = try #require(try store.wearers(customerID: "K-1001").first { $0.name == "Berg, Bo" })
        let enrolment = try #require(try store.enrolment(number: "TILM-00000003"))
        #expect(enrolment.wearerID == bo.id && enrolment.handedOverFromIssueID != nil && enrolment.periodLength == .threeMonths)

        // Company data: only the submitting customer.
        let company = try send(.companyData, "c")
        #expect(throws: LabStoreError.customerNotFound("K-1002")) {
            try store.acceptSubmission(id: company, change: .updateCustomer(Customer(id: "K-1002", name: "Taken over")), by: s.lab1)
        }
        let changed = Customer(id: "K-1001", name: "Alice ApS", deliveryAddress: "Nyvej 2", contactEmail: "a@a.dk")
        #expect(try store.acceptSubmission(id: company, change: .updateCustomer(changed), by: s.lab1).outcome == "company data of K-1001 changed")
        #expect(try store.customer(id: "K-1001") == changed)
        #expect(try store.customer(id: "K-1002")?.name == "Testklinik K-1002")
    }

    @Test("rejecting needs a reason and is final; the audit trail keeps who and why",
          arguments: StoreBackend.portalRole)
    func reject(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let id = try #require(try s.sentEnrolment(store).id)
        #expect(throws: LabStoreError.invalidRecord("a rejection needs a reason")) {
            try store.rejectSubmission(id: id, reason: " \n", by: s.lab1)
        }
        let rejected = try store.rejectSubmission(id: id, reason: " Unknown person ", by: s.lab1)
        #expect(rejected.state == .rejected && rejected.reason == "Unknown person" && rejected.decidedBy == s.lab1.id)
        #expect(try store.submission(id: id) == rejected)
        #expect(throws: LabStoreError.invalidRecord("submission \(id) is not waiting for a decision")) {
            try store.acceptSubmission(id: id, change: try PortalSamples.enrolChange(), by: s.lab2)
        }
        let line = try #require(try store.auditTrail(submissionID: id).first)
        #expect(line.action == "rejected" && line.detail == "Unknown person" && line.userName == "lab1" && line.customerID == "K-1001")
        #expect(try store.wearers(customerID: "K-1001").count == 1)
    }

    @Test("audit lines and outbox messages written on their own are listed newest first",
          arguments: StoreBackend.portalRole)
    func auditAndOutbox(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openPortal()
        let s = try PortalSamples(store)
        let at = Date(timeIntervalSince1970: 1_800_000_000.25)
        try store.audit(PortalAuditEntry(at: at, accountID: s.bob.id, userName: "bob", action: "sign-in", customerID: "K-1002"))
        try store.audit(PortalAuditEntry(at: at, accountID: nil, userName: "mallory", action: "sign-in failed"))
        let trail = try store.auditTrail(submissionID: nil)
        #expect(trail.prefix(2).map(\.action) == ["sign-in failed", "sign-in"])
        #expect(trail[1].at == at && trail[1].accountID == s.bob.id && trail[1].customerID == "K-1002")
        #expect(trail[0].accountID == nil && trail[0].customerID == nil && trail[0].submissionID == nil)
        try store.saveOutbox(PortalOutboxMessage(at: at, recipient: "a@a.dk", subject: "One", body: "Først"))
        try store.saveOutbox(PortalOutboxMessage(at: at, recipient: "b@b.dk", subject: "Two", body: "Second"))
        #expect(try store.outbox().map(\.subject) == ["Two", "One"])
        #expect(try store.outbox().last == PortalOutboxMessage(id: try store.outbox().last?.id, at: at, recipient: "a@a.dk", subject: "One", body: "Først"))
    }

    @Test("agreement forms: saved, resumed by token, sent once; accepting creates the next K- customer with its wearers and enrolments",
          arguments: StoreBackend.portalRole)
    func agreements(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let sealed = try RecordSamples.protector.protect("150385-4321")
        var form = try store.saveAgreement(
            PortalAgreement(fields: ["companyName": "Nyklinik ApS", "wearer1Name": "Lund, Lise"], nationalIDs: ["wearer1NationalID": sealed],
                            submitterEmail: "lise@ny.dk", resumeToken: "agr-1"),
            action: "agreement saved",
            outbox: PortalOutboxMessage(at: Date(), recipient: "lise@ny.dk", subject: "Resume", body: "/agreement/agr-1"))
        let id = try #require(form.id)
        #expect(try store.agreement(id: id) == form)
        #expect(try store.agreement(resumeToken: "agr-1")?.nationalIDs == ["wearer1NationalID": sealed])
        #expect(try store.agreement(resumeToken: "nope") == nil)
        #expect(try store.agreements(state: .draft).map(\.id) == [id])

        var stolen = form
        stolen.resumeToken = "guess"
        #expect(throws: LabStoreError.invalidRecord("agreement form \(id) was already sent; it cannot be changed")) {
            try store.saveAgreement(stolen, action: "agreement saved", outbox: nil)
        }
        form.state = .sent
        form.fields["phone"] = "+45 2"
        let sent = try store.saveAgreement(form, action: "agreement sent", outbox: nil)
        #expect(sent.sentAt != nil)
        #expect(try store.agreement(id: id) == sent)
        #expect(try store.agreements(state: .sent).map(\.id) == [id])
        #expect(throws: LabStoreError.invalidRecord("agreement form \(id) was already sent; it cannot be changed")) {
            try store.saveAgreement(sent, action: "agreement saved", outbox: nil)
        }

        let enrolment = Enrolment(wearerID: Wearer.ID(rawValue: 0), customerID: "", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                  startDate: Self.day("2026-12-01"), orderedOn: Self.day("2026-11-20"))
        let new = NewAgreement(customer: Customer(id: "", name: "Nyklinik ApS", deliveryAddress: "Vej 9", contactEmail: "lise@ny.dk"),
                               wearers: [.init(name: "Lund, Lise", nationalID: sealed, birthDate: Self.day("1985-03-15"), enrolment: enrolment)])
        let accepted = try store.acceptAgreement(id: id, agreement: new, by: s.lab1)
        #expect(accepted.state == .accepted && accepted.customerID == "K-1003" && accepted.decidedBy == s.lab1.id)
        #expect(accepted.outcome == "customer K-1003 created; enrolled TILM-00000003")
        #expect(try store.agreement(id: id) == accepted)
        #expect(try store.customer(id: "K-1003")?.name == "Nyklinik ApS")
        let lise = try #require(try store.wearers(customerID: "K-1003").first)
        #expect(lise.name == "Lund, Lise" && lise.birthDate == Self.day("1985-03-15"))
        #expect(try store.enrolments(customerID: "K-1003").map(\.number) == ["TILM-00000003"])
        #expect(throws: LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision")) {
            try store.acceptAgreement(id: id, agreement: new, by: s.lab2)
        }
        let trail = try store.auditTrail(submissionID: nil)
        #expect(trail[0].action == "accepted" && trail[0].customerID == "K-1003" && trail[0].detail == "agreement #\(id): \(accepted.outcome)")
        #expect(trail[1].action == "agreement sent" && trail[1].userName == "lise@ny.dk" && trail[1].detail == "agreement #\(id)")
        #expect(try store.outbox().first?.body == "/agreement/agr-1")

        // Rejecting: a reason, once; nothing created.
        let other = try store.saveAgreement(PortalAgreement(state: .sent, resumeToken: "agr-2"), action: "agreement sent", outbox: nil)
        let otherID = try #require(other.id)
        #expect(try store.auditTrail(submissionID: nil).first?.userName == "(agreement form)")
        #expect(throws: LabStoreError.invalidRecord("a rejection needs a reason")) {
            try store.rejectAgreement(id: otherID, reason: "", by: s.lab1)
        }
        let rejected = try store.rejectAgreement(id: otherID, reason: "No company number", by: s.lab1)
        #expect(rejected.state == .rejected && rejected.reason == "No company number" && rejected.customerID == nil)
        #expect(throws: LabStoreError.invalidRecord("agreement form \(otherID) is not waiting for a decision")) {
            try store.acceptAgreement(id: otherID, agreement: new, by: s.lab1)
        }
        #expect(try store.customers().map(\.id) == ["K-1001", "K-1002", "K-1003"])
    }

    @Test("wearer access: granted and revoked only by the wearer's own customer's account, audited; the overview counter moves",
          arguments: StoreBackend.portalRole)
    func wearerAccessAndOverview(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let s = try PortalSamples(store)
        let anna = try store.addAccount(PortalAccount(userName: "anna", passwordHash: PortalSamples.hash, role: .wearer,
                                                      customerID: "K-1001", wearerID: s.first.wearer.id?.rawValue))
        let annaID = try #require(anna.id)
        #expect(!anna.accessGranted)
        #expect(try store.wearerAccounts(customerID: "K-1001") == [anna])
        #expect(try store.wearerAccounts(customerID: "K-1002").isEmpty)
        for other in [s.bob, s.lab1] {
            #expect(throws: LabStoreError.invalidRecord("no wearer account \(annaID) of this customer")) {
                try store.setWearerAccess(accountID: annaID, granted: true, by: other)
            }
        }
        let bobID = try #require(s.bob.id)
        #expect(throws: LabStoreError.invalidRecord("no wearer account \(bobID) of this customer")) {
            try store.setWearerAccess(accountID: bobID, granted: true, by: s.bob)
        }
        #expect(try store.setWearerAccess(accountID: annaID, granted: true, by: s.alice).accessGranted)
        #expect(try store.account(id: annaID)?.accessGranted == true)
        #expect(try store.setWearerAccess(accountID: annaID, granted: false, by: s.alice).accessGranted == false)
        let trail = try store.auditTrail(submissionID: nil)
        #expect(trail.prefix(2).map(\.action) == ["wearer access revoked", "wearer access granted"])
        #expect(trail[0].userName == "alice" && trail[0].customerID == "K-1001"
                && trail[0].detail == "account anna, wearer \(s.first.wearer.id?.rawValue ?? 0)")

        // The overview counter: 0 for a customer never changed, raised by any enrolment or wearer change.
        #expect(try store.overviewVersion(customerID: "K-404") == 0)
        let before1 = try store.overviewVersion(customerID: "K-1001")
        let before2 = try store.overviewVersion(customerID: "K-1002")
        #expect(before1 > 0)
        _ = try store.setEnrolmentEnd(id: try RecordSamples.requireID(s.first.enrolment.id), endDate: Self.day("2026-12-31"))
        #expect(try store.overviewVersion(customerID: "K-1001") > before1)
        #expect(try store.overviewVersion(customerID: "K-1002") == before2)
    }
}
