import Foundation
import HummingbirdTesting
import LabStore
import LabWorkflow
import Logging
import Testing
@testable import Portal

/// Downloads: result lists (final only), packing slips and charges, each of the signed-in customer
/// only; another customer's IDs are not found.
@Suite struct PortalDocumentsTests {
    /// 2027-02-20 12:00 UTC: January's wear period (to 2027-01-31) is over.
    static let february = Date(timeIntervalSince1970: 1_800_446_400 + 31 * 86_400)

    static func day(_ text: String) throws -> CalendarDay { try CalendarDay(parsing: text) }

    /// Bob's card came back on 2027-02-02 and is not read yet: his January list is a DRAFT.
    static func bobsCardArrives(_ fixture: PortalFixture) throws {
        var station = try IntakeStation.open(store: fixture.store, customerID: "K-1002", arrivedOn: try day("2027-02-02"),
                                             logger: Logger(label: "portal-test"))
        #expect(try station.scan("C-0002").isAccepted)
        _ = try station.close()
    }

    @Test func aFinalResultListDownloadsAsPDFAndCSVWithTheCustomersLinesOnly() async throws {
        let fixture = try PortalFixture(portalNow: Self.february)
        try Self.bobsCardArrives(fixture)
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            let list = try await alice.get("/documents")
            #expect(list.status == .ok)
            #expect(list.body.contains(#"href="/documents/results/2027-01.pdf""#))
            // Alice's card was not returned: a final list ("missing"), offered.
            let csv = try await alice.get("/documents/results/2027-01.csv")
            #expect(csv.status == .ok)
            #expect(csv.body.contains("C-0001"))
            #expect(csv.body.contains("Jensen, Mette"))
            #expect(csv.body.contains("missing"))
            #expect(!csv.body.contains("C-0002") && !csv.body.contains("Hansen"))
            #expect(!csv.body.contains(PortalFixture.aliceWearerID) && !csv.body.contains("1234"))
            let pdf = try await alice.get("/documents/results/2027-01.pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.body.hasPrefix("%PDF-"))
            #expect(!pdf.body.contains("DRAFT"))
            // A month without a period of hers, and a file that is not a month: not found.
            #expect(try await alice.get("/documents/results/2026-06.pdf").status == .notFound)
            #expect(try await alice.get("/documents/results/2027-01.exe").status == .notFound)
            #expect(try await alice.get("/documents/results/..%2F..%2Fetc.pdf").status == .notFound)
        }
        #expect(try fixture.store.auditTrail(submissionID: nil).contains { $0.action == "downloaded" && $0.detail == "RL-K-1001-20270131.pdf" })
    }

    @Test func aDraftResultListIsNotOffered() async throws {
        let fixture = try PortalFixture(portalNow: Self.february)
        try Self.bobsCardArrives(fixture)
        try await fixture.test { client in
            let bob = Browser(client)
            try await bob.signIn("bob")
            for file in ["2027-01.pdf", "2027-01.csv"] {
                let page = try await bob.get("/documents/results/" + file)
                #expect(page.status == .conflict, "\(file)")
                #expect(page.body.contains("not final") || page.body.contains("ikke endelig"), "\(file)")
                #expect(!page.body.hasPrefix("%PDF") && !page.body.contains("C-0002"), "\(file)")
            }
        }
        #expect(!(try fixture.store.auditTrail(submissionID: nil).contains { $0.action == "downloaded" }))
    }

    @Test func packingSlipsAndChargesOfTheOwnCustomerOnly() async throws {
        let fixture = try PortalFixture(portalNow: Self.february)
        let aliceShipment = try #require(try fixture.store.shipments(customerID: "K-1001").first?.id?.rawValue)
        let bobShipment = try #require(try fixture.store.shipments(customerID: "K-1002").first?.id?.rawValue)
        let issue = try #require(try fixture.store.issues(customerID: "K-1001").first)
        _ = try fixture.store.recordCharges([Charge(customerID: "K-1001", kind: .cardSent, issueID: issue.id!, cardID: issue.cardID,
                                                    dosimeterType: .wholeBody, dueOn: try Self.day("2026-12-28"),
                                                    priceDay: try Self.day("2026-12-28"), amountMinorUnits: 12_500)])
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            let list = try await alice.get("/documents")
            #expect(list.body.contains(#"href="/documents/packing-slips/\#(aliceShipment).pdf""#))
            #expect(!list.body.contains(#"href="/documents/packing-slips/\#(bobShipment).pdf""#))
            #expect(list.body.contains(#"href="/documents/charges/2026-12.csv""#))
            let slip = try await alice.get("/documents/packing-slips/\(aliceShipment).pdf")
            #expect(slip.status == .ok)
            #expect(slip.body.hasPrefix("%PDF-"))
            let charges = try await alice.get("/documents/charges/2026-12.csv")
            #expect(charges.status == .ok)
            #expect(charges.body.contains("C-0001") && charges.body.contains("125.00"))
            #expect(try await alice.get("/documents/charges/2026-12.pdf").body.hasPrefix("%PDF-"))

            // Bob, with Alice's shipment number and her charges month: not found, nothing of hers.
            let bob = Browser(client)
            try await bob.signIn("bob")
            let stolenSlip = try await bob.get("/documents/packing-slips/\(aliceShipment).pdf")
            #expect(stolenSlip.status == .notFound)
            #expect(!stolenSlip.body.hasPrefix("%PDF"))
            for file in ["2026-12.csv", "2026-12.pdf"] {
                let page = try await bob.get("/documents/charges/" + file)
                #expect(page.status == .notFound, "\(file)")
                #expect(!page.body.contains("C-0001"), "\(file)")
            }
            #expect(try await bob.get("/documents/packing-slips/\(bobShipment).pdf").status == .ok)
            #expect(!(try await bob.get("/documents").body.contains("2026-12.csv")))
        }
    }
}
