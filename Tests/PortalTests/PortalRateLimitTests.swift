import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// The anonymous "create agreement" form is limited per client address: a post over the limit gets
/// 429 with `Retry-After`, its form back with what was typed, and nothing is checked or stored.
@Suite struct PortalRateLimitTests {
    @Test func postsBeyondTheLimitAreRefusedWith429AndNothingIsStored() async throws {
        let fixture = try PortalFixture(agreementLimit: 3)
        try await fixture.test { client in
            let company = Browser(client)
            _ = try await company.get("/agreement")
            for _ in 1...3 {
                let checked = try await company.post("/agreement", PortalAgreementTests.replacing(
                    PortalAgreementTests.company, ["companyID": "1234"]) + [("action", "check")])
                #expect(checked.status == .unprocessableContent)
                #expect(checked.headers[.retryAfter] == nil)
            }
            let refused = try await company.post("/agreement", PortalAgreementTests.company + [
                ("wearer1NationalID", "150385-4321"), ("action", "send")])
            #expect(refused.status == .tooManyRequests)
            // The whole window (the clock stands still): one hour.
            #expect(refused.headers[.retryAfter] == "3600")
            #expect(refused.body.contains(#"id="rate-limited""#) && refused.body.contains("60 minut"))
            #expect(refused.body.contains(#"value="Ny Klinik ApS""#) && refused.body.contains(#"value="REK-77""#))
            #expect(!refused.body.contains("150385-4321") && !refused.body.contains("2407"))
            // Another client address is not affected: the limit is per address, and a sign-in works.
            let lab = Browser(client)
            #expect(try await lab.signIn("lab1").status == .seeOther)
        }
        #expect(try fixture.store.agreements(state: .sent).isEmpty)
        // The three checks each kept their valid CPR number sealed in a draft; the refused SEND stored nothing.
        #expect(try fixture.store.agreements(state: .draft).count == 3)
        #expect(try fixture.store.outbox().isEmpty)
    }

    @Test func theWindowSlidesPerClient() async {
        let limit = FormRateLimit(limit: 2, window: 600)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(await limit.admit("10.0.0.1", at: t0) == .allowed)
        #expect(await limit.admit("10.0.0.1", at: t0.addingTimeInterval(100)) == .allowed)
        #expect(await limit.admit("10.0.0.1", at: t0.addingTimeInterval(200)) == .refused(retryAfter: 400))
        #expect(await limit.admit("10.0.0.2", at: t0.addingTimeInterval(200)) == .allowed)
        // A refused post is not counted: once the first post ages out, one more gets in.
        #expect(await limit.admit("10.0.0.1", at: t0.addingTimeInterval(600)) == .allowed)
        #expect(await limit.admit("10.0.0.1", at: t0.addingTimeInterval(650)) == .refused(retryAfter: 50))
        #expect(await limit.admit("10.0.0.1", at: t0.addingTimeInterval(700)) == .allowed)
    }
}
