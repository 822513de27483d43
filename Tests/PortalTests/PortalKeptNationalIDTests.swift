import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// "Submit changes": a valid national ID typed into a form that comes back with an error elsewhere is
/// kept sealed on the server (a draft of the change) and shown masked as kept — never sent back to the
/// browser — so the customer need not type it again, even when there was no draft before.
@Suite struct PortalKeptNationalIDTests {
    static let enrol: [(String, String)] = [
        ("kind", "enrol"), ("type", "finger"), ("period", "1m"), ("start", "2027-02-01"), ("end", ""),
    ] + PortalFlowTests.submitter

    @Test func aValidIDSurvivesAnErrorElsewhereWithoutADraftAndIsNeverSentBack() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=enrol")
            // No name: an error on the name, none on the (valid) national ID.
            let refused = try await customer.post("/changes", Self.enrol + [
                ("wearerName", ""), ("nationalID", "150385-4321"), ("action", "send")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(#"id="f-wearerName-error""#))
            #expect(!refused.body.contains(#"id="f-nationalID-error""#))
            for clear in ["150385-4321", "1503854321", "150385"] { #expect(!refused.body.contains(clear), "\(clear)") }
            let hint = try #require(refused.body.firstMatch(of: /id="f-nationalID-hint">([^<]*)</))
            #expect(hint.1.contains("1503••-••••") && hint.1.contains("beholdt"))
            let draft = try #require(refused.body.firstMatch(of: /name="draft" value="(\d+)"/))
            let draftID = try #require(Int64(draft.1))
            let kept = try #require(try fixture.store.submission(id: draftID))
            #expect(kept.state == .draft && kept.customerID == "K-1001")
            let sealed = try #require(kept.nationalID)
            #expect(try fixture.protector.reveal(sealed) == "1503854321")
            #expect(!String(decoding: sealed.sealed, as: UTF8.self).contains("150385"))

            // Corrected name, national ID left empty: sent with the kept ID.
            let sent = try await customer.post("/changes", Self.enrol + [
                ("wearerName", "Sørensen, Anne"), ("nationalID", ""), ("draft", String(draft.1)), ("action", "send")])
            #expect(sent.status == .seeOther)
            let location = try #require(sent.location)
            #expect(location.hasPrefix("/changes/\(draft.1)?"))
            #expect(try await customer.get(location).body.contains("1503••-••••"))
        }
        let submission = try #require(try fixture.store.submissions(customerID: "K-1001").first)
        #expect(submission.state == .sent)
        let sentID = try #require(submission.nationalID)
        #expect(try fixture.protector.reveal(sentID) == "1503854321")
        #expect(try fixture.store.submissions(customerID: "K-1001").count == 1)
        let trail = try fixture.store.auditTrail(submissionID: nil)
        #expect(trail.contains { $0.action == "national ID kept" })
        #expect(!trail.contains { $0.detail.contains("150385") })
    }

    @Test func anotherCustomersDraftNumberIsNotFound() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            _ = try await alice.get("/changes/new?kind=enrol")
            let refused = try await alice.post("/changes", Self.enrol + [
                ("wearerName", ""), ("nationalID", "150385-4321"), ("action", "check")])
            let draft = try #require(refused.body.firstMatch(of: /name="draft" value="(\d+)"/))
            let bob = Browser(client)
            try await bob.signIn("bob")
            _ = try await bob.get("/changes/new?kind=enrol")
            let stolen = try await bob.post("/changes", Self.enrol + [
                ("wearerName", "Tyv, Tom"), ("nationalID", ""), ("draft", String(draft.1)), ("action", "send")])
            #expect(stolen.status == .notFound)
            #expect(!stolen.body.contains("1503"))
        }
        #expect(try fixture.store.submissions(customerID: "K-1002").isEmpty)
    }
}
