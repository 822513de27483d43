import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// Access control, route by route: a customer never reads or changes another customer's data (every
/// route tried with the other customer's IDs), lab routes refuse customer accounts, customer routes
/// refuse lab accounts, and nothing but the sign-in page opens without signing in.
@Suite struct PortalAccessControlTests {
    /// Alice (K-1001) saves a draft and sends a change; returns their IDs and the draft's resume token.
    static func aliceSubmissions(_ fixture: PortalFixture, _ client: any TestClientProtocol) async throws -> (draft: Int64, sent: Int64, token: String) {
        let alice = Browser(client)
        try await alice.signIn("alice")
        _ = try await alice.get("/changes/new?kind=companyData")
        let company = [("kind", "companyData"), ("name", "Alice's clinic"), ("contactName", "Mette Jensen"),
                       ("contactEmail", "mette@example.dk"), ("deliveryAddress", "Vej 1"), ("billingAddress", ""),
                       ("invoiceReference", "")] + PortalFlowTests.submitter
        _ = try await alice.post("/changes", company + [("action", "save")])
        let sent = try await alice.post("/changes", company + [("action", "send")])
        #expect(sent.status == .seeOther)
        let all = try fixture.store.submissions(customerID: "K-1001")
        let draft = try #require(all.first { $0.state == .draft })
        let sentOne = try #require(all.first { $0.state == .sent })
        return (draft.id!, sentOne.id!, draft.resumeToken)
    }

    @Test func aCustomerNeverReachesAnotherCustomersData() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let ids = try await Self.aliceSubmissions(fixture, client)
            let bob = Browser(client)
            try await bob.signIn("bob")
            _ = try await bob.get("/overview")

            // Reading Alice's submissions, sent or draft, or her resume link: not found.
            for path in ["/changes/\(ids.draft)", "/changes/\(ids.sent)", "/resume/\(ids.token)"] {
                let page = try await bob.get(path)
                #expect(page.status == .notFound, "\(path)")
                #expect(!page.body.contains("Mette"), "\(path)")
            }
            // Changing Alice's draft by its ID: not found, and the draft is unchanged.
            _ = try await bob.get("/changes/new?kind=companyData")
            let hijack = try await bob.post("/changes", [("kind", "companyData"), ("action", "save"), ("draft", "\(ids.draft)"),
                                                         ("name", "Bob took over")] + PortalFlowTests.submitter)
            #expect(hijack.status == .notFound)
            #expect(try fixture.store.submission(id: ids.draft)?.fields["name"] == "Alice's clinic")
            // Unenrolling Alice's wearer by her TILM number and the right name: no such enrolment of Bob's.
            let unenrol = try await bob.post("/changes", [("kind", "unenrol"), ("action", "send"), ("enrolment", fixture.aliceEnrolment),
                                                          ("wearerName", "Jensen, Mette"), ("lastDay", "2027-03-31")] + PortalFlowTests.submitter)
            #expect(unenrol.status == .unprocessableContent)
            #expect(unenrol.body.contains(#"id="f-enrolment-error""#))
            // Handing over Alice's card: no such card of Bob's.
            let handover = try await bob.post("/changes", [("kind", "handover"), ("action", "send"), ("card", "C-0001"),
                                                           ("wearerName", "Someone"), ("nationalID", "150385-4321")] + PortalFlowTests.submitter)
            #expect(handover.status == .unprocessableContent)
            #expect(handover.body.contains(#"id="f-card-error""#))
            // Bob's overview shows none of Alice's.
            let overview = try await bob.get("/overview")
            #expect(!overview.body.contains(fixture.aliceEnrolment))
            #expect(!overview.body.contains("Jensen"))
            // The lab's actions: refused for a customer.
            for path in ["/lab/submissions/\(ids.sent)/accept", "/lab/submissions/\(ids.sent)/reject"] {
                let page = try await bob.post(path, [("reason", "no")])
                #expect(page.status == .forbidden, "\(path)")
            }
        }
        #expect(try fixture.store.submission(id: try fixture.store.submissions(customerID: "K-1001").first { $0.state != .draft }!.id!)?.state == .sent)
        #expect(try fixture.store.enrolment(number: fixture.aliceEnrolment)?.endDate == nil)
        // Bob's refused attempts leave nothing sent; only his own draft keeping the valid CPR number
        // he typed, sealed (PortalKeptNationalIDTests).
        let bobs = try fixture.store.submissions(customerID: "K-1002")
        #expect(bobs.count == 1 && bobs.allSatisfy { $0.state == .draft && $0.kind == .handover })
        #expect(try fixture.store.submissions(customerID: "K-1001").count == 2)
    }

    @Test func labAgreementActionsRefuseCustomerAccounts() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            for path in ["/lab/agreements/1/accept", "/lab/agreements/1/reject"] {
                #expect(try await alice.post(path, [("reason", "x")]).status == .forbidden, "\(path)")
            }
        }
    }

    @Test(arguments: ["/lab/queue", "/lab/audit", "/lab/outbox"])
    func labPagesRefuseCustomerAccounts(path: String) async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            let page = try await alice.get(path)
            #expect(page.status == .forbidden)
            #expect(!page.body.contains("<table"))
        }
        #expect(try fixture.store.auditTrail(submissionID: nil).contains { $0.action == "refused lab page" && $0.userName == "alice" })
    }

    @Test(arguments: ["/overview", "/changes/new?kind=enrol", "/changes/1", "/resume/x", "/documents",
                      "/documents/results/2027-01.pdf", "/documents/packing-slips/1.pdf", "/documents/charges/2026-12.csv",
                      "/access", "/my-record"])
    func customerPagesRefuseLabAccounts(path: String) async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let lab = Browser(client)
            try await lab.signIn("lab1")
            #expect(try await lab.get(path).status == .forbidden)
        }
    }

    @Test(arguments: ["/overview", "/changes/new?kind=enrol", "/changes/1", "/resume/x", "/lab/queue", "/lab/audit", "/lab/outbox", "/",
                      "/documents", "/documents/results/2027-01.pdf", "/documents/packing-slips/1.pdf", "/documents/charges/2026-12.csv",
                      "/access", "/my-record"])
    func everyPageButSignInNeedsSigningIn(path: String) async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let stranger = Browser(client)
            let page = try await stranger.get(path)
            #expect(page.status == .seeOther)
            #expect(page.location == (path.hasPrefix("/resume/") ? "/signin?next=\(path)" : "/signin"))
        }
    }

    @Test func postsWithoutSigningInAreRefused() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let stranger = Browser(client)
            _ = try await stranger.get("/signin") // a session and a CSRF token, but no account
            for path in ["/changes", "/lab/submissions/1/accept", "/lab/submissions/1/reject", "/lab/agreements/1/accept",
                         "/lab/agreements/1/reject", "/access/1/grant", "/access/1/revoke"] {
                let page = try await stranger.post(path, [("kind", "enrol"), ("action", "send"), ("reason", "x")])
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location == "/signin", "\(path)")
            }
        }
        #expect(try fixture.store.submissions(state: .sent).isEmpty)
    }

    @Test func aDisabledAccountIsSignedOutAtItsNextRequest() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            #expect(try await alice.get("/overview").status == .ok)
            _ = try fixture.store.setAccountDisabled(userName: "alice", disabled: true)
            #expect(try await alice.get("/overview").status == .seeOther)
            #expect(try await alice.signIn("alice").status == .unauthorized)
        }
    }
}
