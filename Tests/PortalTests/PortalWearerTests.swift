import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// A wearer's own dose record: a wearer account sees its own periods only, only while its customer's
/// contact grants it, and no other page; another customer cannot grant or revoke it.
@Suite struct PortalWearerTests {
    /// Adds a second wearer of Alice's clinic with a card of her own, and a wearer account for Mette
    /// Jensen (Alice's clinic's first wearer); returns the account's id.
    static func setUp(_ fixture: PortalFixture) throws -> Int64 {
        let nina = try fixture.store.addWearer(customerID: "K-1001", name: "Nielsen, Nina",
                                               nationalID: try fixture.protector.protect("0505751234"), birthDate: nil)
        let start = try CalendarDay(parsing: "2027-01-01")
        let e = try fixture.store.enrol(Enrolment(wearerID: nina.id!, customerID: "K-1001", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                                  startDate: start, orderedOn: start))
        try fixture.store.addCards([Card(id: "C-0003", dosimeterType: .wholeBody, stateChangedAt: PortalFixture.now)])
        _ = try fixture.store.issueCards([IssueRequest(cardID: "C-0003", enrolmentID: e.id!, periodStart: start,
                                                       periodEnd: try CalendarDay(parsing: "2027-01-31"))],
                                         customerID: "K-1001", dispatchedOn: try CalendarDay(parsing: "2026-12-28"))
        let mette = try #require(try fixture.store.wearers(customerID: "K-1001").first { $0.name == "Jensen, Mette" })
        let account = try fixture.store.addAccount(PortalAccount(
            userName: "mette", passwordHash: PortalPassword.hash(PortalFixture.password, cost: 4), role: .wearer,
            customerID: "K-1001", wearerID: mette.id!.rawValue))
        return try #require(account.id)
    }

    @Test func theWearerSeesOnlyTheirOwnRecordWhileTheCustomerGrantsIt() async throws {
        let fixture = try PortalFixture(portalNow: PortalDocumentsTests.february)
        let metteAccount = try Self.setUp(fixture)
        try await fixture.test { client in
            let mette = Browser(client)
            let signedIn = try await mette.signIn("mette")
            #expect(signedIn.location == "/my-record")
            // Not granted yet: refused, nothing of the record shown.
            let before = try await mette.get("/my-record")
            #expect(before.status == .forbidden)
            #expect(!before.body.contains("C-0001"))

            // Alice's clinic grants it.
            let alice = Browser(client)
            try await alice.signIn("alice")
            let access = try await alice.get("/access")
            #expect(access.status == .ok)
            #expect(access.body.contains("mette") && access.body.contains("0101••-••••") && !access.body.contains("010180"))
            // Bob's clinic cannot grant or revoke it.
            let bob = Browser(client)
            try await bob.signIn("bob")
            _ = try await bob.get("/access")
            #expect(try await bob.post("/access/\(metteAccount)/grant", []).status == .notFound)
            #expect(try fixture.store.account(id: metteAccount)?.accessGranted == false)
            #expect(!(try await bob.get("/access").body.contains("mette")))

            #expect(try await alice.post("/access/\(metteAccount)/grant", []).status == .ok)
            let record = try await mette.get("/my-record")
            #expect(record.status == .ok)
            #expect(record.body.contains("Jensen, Mette") && record.body.contains("0101••-••••") && record.body.contains("C-0001"))
            #expect(!record.body.contains("010180-1234") && !record.body.contains("1234"))
            // Nobody else's: not Nina's card at the same clinic, not Bob's wearer.
            #expect(!record.body.contains("C-0003") && !record.body.contains("Nielsen") && !record.body.contains("C-0002"))
            // No other page: the customer's, the lab's, the documents.
            for path in ["/overview", "/documents", "/access", "/changes/new?kind=enrol", "/documents/results/2027-01.csv", "/lab/queue"] {
                #expect(try await mette.get(path).status == .forbidden, "\(path)")
            }
            #expect(try await mette.post("/access/\(metteAccount)/grant", []).status == .forbidden)

            // Revoked: refused again at the next request.
            #expect(try await alice.post("/access/\(metteAccount)/revoke", []).status == .ok)
            #expect(try await mette.get("/my-record").status == .forbidden)
            // A customer account or a lab account has no record page.
            #expect(try await alice.get("/my-record").status == .forbidden)
            let lab = Browser(client)
            try await lab.signIn("lab1")
            #expect(try await lab.get("/my-record").status == .forbidden)
        }
        let trail = try fixture.store.auditTrail(submissionID: nil)
        #expect(trail.contains { $0.action == "wearer access granted" && $0.userName == "alice" })
        #expect(trail.contains { $0.action == "wearer access revoked" && $0.userName == "alice" })
    }

    @Test func aWearerAccountBelongsToAWearerOfItsCustomer() throws {
        let fixture = try PortalFixture()
        let bobsWearer = try #require(try fixture.store.wearers(customerID: "K-1002").first?.id)
        #expect(throws: LabStoreError.self) {
            _ = try fixture.store.addAccount(PortalAccount(userName: "sneaky", passwordHash: PortalPassword.hash("x", cost: 4),
                                                           role: .wearer, customerID: "K-1001", wearerID: bobsWearer.rawValue))
        }
        #expect(try fixture.store.account(userName: "sneaky") == nil)
    }
}
