import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// The "create agreement" form: open without an account, every bad field with its message and
/// nothing typed lost, SAVE and resume by the link, SEND, and the lab's accept creating the
/// customer, its first wearers and their enrolments in one transaction.
@Suite struct PortalAgreementTests {
    static let company: [(String, String)] = [
        ("name", "Ny Klinik ApS"), ("companyID", "29403473"), ("deliveryAddress", "Nyvej 2, 8000 Aarhus C"),
        ("workplaceAddress", ""), ("contactName", "Lone Lund"), ("contactEmail", "lone@nyklinik.dk"),
        ("invoiceChannel", "e-invoice"), ("invoiceAddress", "5790000000005"), ("billingAddress", ""), ("invoiceReference", "REK-77"),
        ("start", "2027-02-01"),
        ("wearer1Name", "Lund, Lone"), ("wearer1Type", "whole-body"), ("wearer1Period", "1m"),
        ("wearer2Name", "Berg, Bo"), ("wearer2NationalID", "240799-1357"), ("wearer2Type", "finger"), ("wearer2Period", "2w"),
    ] + PortalFlowTests.submitter

    static func replacing(_ fields: [(String, String)], _ changes: [String: String]) -> [(String, String)] {
        fields.map { ($0.0, changes[$0.0] ?? $0.1) }
    }

    @Test func aNewCompanySavesResumesAndSendsThenTheLabCreatesTheCustomer() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let company = Browser(client)
            // Open without signing in; linked from the sign-in page.
            #expect(try await company.get("/signin").body.contains(#"href="/agreement""#))
            let blank = try await company.get("/agreement")
            #expect(blank.status == .ok)
            #expect(blank.body.contains(#"<label for="f-wearer1NationalID">"#))

            // Bad CVR, bad GLN, a CPR with no such date, a half-filled second person: each on its field.
            let bad = try await company.post("/agreement", Self.replacing(Self.company, [
                "companyID": "1234", "invoiceAddress": "5790000000006", "wearer2Type": ""]) + [
                ("wearer1NationalID", "310285-1234"), ("action", "send")])
            #expect(bad.status == .unprocessableContent)
            for field in ["companyID", "invoiceAddress", "wearer1NationalID", "wearer2Type"] {
                #expect(bad.body.contains(#"id="f-\#(field)-error""#), "\(field)")
            }
            #expect(!bad.body.contains(#"id="f-name-error""#))
            #expect(bad.body.contains(#"value="1234""#) && bad.body.contains(#"value="REK-77""#))
            #expect(bad.body.contains(#"value="310285-1234""#)) // an invalid ID is shown back to be corrected
            // The valid ID of person 2 is not sent back: it is kept sealed in a draft whose token the form carries.
            #expect(!bad.body.contains("240799-1357") && bad.body.contains("2407••-••••") && bad.body.contains(#"name="token""#))
            #expect(try fixture.store.agreements(state: .draft).count == 1)

            // SAVE with valid IDs: a resume link, in the outbox too; the IDs are never sent back.
            let saved = try await company.post("/agreement", Self.company + [("wearer1NationalID", "150385-4321"), ("action", "save")])
            #expect(saved.status == .ok)
            let link = try #require(saved.body.firstMatch(of: /https:\/\/portal\.example\/agreement\/([0-9a-f]{64})/))
            let token = String(link.1)
            #expect(try fixture.store.outbox().contains { $0.body.contains(token) && $0.recipient == "mette@example.dk" })
            let resumed = try await Browser(client).get("/agreement/\(token)")
            #expect(resumed.status == .ok)
            #expect(resumed.body.contains("1503••-••••") && resumed.body.contains("2407••-••••"))
            #expect(!resumed.body.contains("150385-4321") && !resumed.body.contains("4321") && !resumed.body.contains("1357"))
            #expect(resumed.body.contains(#"value="Ny Klinik ApS""#))

            // SEND from the resumed draft (IDs kept sealed: the fields are left empty).
            let sent = try await company.post("/agreement", Self.replacing(Self.company, ["wearer2NationalID": ""]) + [
                ("token", token), ("action", "send")])
            #expect(sent.status == .ok)
            #expect(try fixture.store.agreement(resumeToken: token)?.state == .sent)
            // A sent form is not changed through its link any more.
            let again = try await company.post("/agreement", Self.company + [("token", token), ("action", "save")])
            #expect(again.status == .notFound)

            // A customer cannot accept it; the lab can.
            let alice = Browser(client)
            try await alice.signIn("alice")
            let id = try #require(try fixture.store.agreement(resumeToken: token)?.id)
            #expect(try await alice.post("/lab/agreements/\(id)/accept", []).status == .forbidden)
            let lab = Browser(client)
            try await lab.signIn("lab1")
            let queue = try await lab.get("/lab/queue")
            #expect(queue.body.contains("A\(id)") && queue.body.contains("1503••-••••") && !queue.body.contains("150385"))
            let accepted = try await lab.post("/lab/agreements/\(id)/accept", [])
            #expect(accepted.status == .ok)
            #expect(accepted.body.contains("K-1003"))
            let status = try await Browser(client).get("/agreement/\(token)")
            #expect(status.body.contains("K-1003"))
        }
        let customer = try #require(try fixture.store.customer(id: "K-1003"))
        #expect(customer.name == "Ny Klinik ApS" && customer.companyID == "29403473")
        #expect(customer.invoiceChannel == .eInvoice && customer.invoiceAddress == "5790000000005" && customer.invoiceReference == "REK-77")
        let wearers = try fixture.store.wearers(customerID: "K-1003")
        #expect(wearers.map(\.name).sorted() == ["Berg, Bo", "Lund, Lone"])
        let enrolments = try fixture.store.enrolments(customerID: "K-1003")
        #expect(Set(enrolments.map(\.dosimeterType)) == [.wholeBody, .finger])
        #expect(enrolments.allSatisfy { $0.startDate == (try? CalendarDay(parsing: "2027-02-01")) })
        #expect(try fixture.store.agreements(state: .accepted).first?.customerID == "K-1003")
        #expect(try fixture.store.outbox().contains { $0.recipient == "mette@example.dk" && $0.body.contains("K-1003") })
        #expect(try fixture.store.auditTrail(submissionID: nil).contains { $0.action == "accepted" && $0.customerID == "K-1003" })
    }

    @Test func atLeastOnePersonAndEachPersonOnce() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let company = Browser(client)
            _ = try await company.get("/agreement")
            let none = try await company.post("/agreement", Self.replacing(Self.company, [
                "wearer1Name": "", "wearer1Type": "", "wearer1Period": "", "wearer2Name": "", "wearer2NationalID": "",
                "wearer2Type": "", "wearer2Period": ""]) + [("action", "send")])
            #expect(none.status == .unprocessableContent)
            #expect(none.body.contains(#"id="f-wearer1Name-error""#))
            let twice = try await company.post("/agreement", Self.replacing(Self.company, ["wearer2NationalID": "150385-4321"]) + [
                ("wearer1NationalID", "150385-4321"), ("action", "send")])
            #expect(twice.status == .unprocessableContent)
            #expect(twice.body.contains(#"id="f-wearer2NationalID-error""#))
        }
        #expect(try fixture.store.agreements(state: .sent).isEmpty)
        #expect(try fixture.store.customers().count == 2)
    }

    @Test func theLabRejectsWithAReasonAndUnknownLinksAreNotFound() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let company = Browser(client)
            _ = try await company.get("/agreement")
            #expect(try await company.post("/agreement", Self.company + [("wearer1NationalID", "150385-4321"), ("action", "send")]).status == .ok)
            let id = try #require(try fixture.store.agreements(state: .sent).first?.id)
            #expect(try await company.get("/agreement/" + String(repeating: "0", count: 64)).status == .notFound)
            let lab = Browser(client)
            try await lab.signIn("lab1")
            _ = try await lab.get("/lab/queue")
            #expect(try await lab.post("/lab/agreements/\(id)/reject", [("reason", " ")]).status == .unprocessableContent)
            #expect(try await lab.post("/lab/agreements/\(id)/reject", [("reason", "We already have an agreement with you")]).status == .ok)
            #expect(try await lab.post("/lab/agreements/\(id)/accept", []).status == .notFound)
        }
        #expect(try fixture.store.agreement(id: try #require(try fixture.store.agreements(state: .rejected).first?.id))?.reason
                == "We already have an agreement with you")
        #expect(try fixture.store.customers().count == 2)
    }
}
