import Foundation
import HummingbirdTesting
import LabStore
import Testing
@testable import Portal

/// The customer and lab flows through the portal's router (HummingbirdTesting, no network).
@Suite struct PortalFlowTests {
    static let submitter: [(String, String)] = [
        ("submitterName", "Mette Jensen"), ("submitterPhone", "+45 35 32 00 00"),
        ("submitterEmail", "mette@example.dk"), ("submitterEmailConfirm", "mette@example.dk"),
    ]

    @Test func signInShowsOnlyTheCustomersOwnEnrolmentsWithMaskedIDs() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            let signIn = try await browser.signIn("alice")
            #expect(signIn.status == .seeOther)
            #expect(signIn.location == "/overview")
            let page = try await browser.get("/overview")
            #expect(page.status == .ok)
            #expect(page.body.contains(fixture.aliceEnrolment))
            #expect(page.body.contains("Jensen, Mette"))
            #expect(page.body.contains("0101••-••••"))
            #expect(!page.body.contains(fixture.bobEnrolment))
            #expect(!page.body.contains("Hansen"))
            #expect(!page.body.contains("1234"))
        }
    }

    @Test func wrongPasswordIsRefusedAndAttemptsAreLimitedPerAccount() async throws {
        let fixture = try PortalFixture(signInLimit: 3)
        try await fixture.test { client in
            let browser = Browser(client)
            for _ in 0..<3 {
                let page = try await browser.signIn("alice", password: "wrong password")
                #expect(page.status == .unauthorized)
            }
            // The right password no longer helps within the window.
            let blocked = try await browser.signIn("alice")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "900") // the clock stands still: the whole 15-minute window
            // Another account from the same (test) address is blocked too: the address has used its attempts.
            let other = try await browser.signIn("bob")
            #expect(other.status == .tooManyRequests)
        }
        let trail = try fixture.store.auditTrail(submissionID: nil).map(\.action)
        #expect(trail.filter { $0 == "sign-in failed" }.count == 3)
        #expect(trail.contains("sign-in throttled"))
    }

    @Test func throttleForgetsFailuresAfterTheWindow() async {
        let throttle = SignInThrottle(limit: 2, window: 900)
        let t0 = Date(timeIntervalSince1970: 0)
        await throttle.recordFailure(["a"], at: t0)
        await throttle.recordFailure(["a"], at: t0.addingTimeInterval(1))
        #expect(await throttle.isBlocked(["a"], at: t0.addingTimeInterval(2)))
        #expect(!(await throttle.isBlocked(["b"], at: t0.addingTimeInterval(2))))
        #expect(!(await throttle.isBlocked(["a"], at: t0.addingTimeInterval(901))))
        // Retry-After: until the oldest failure ages out (then one attempt has room).
        #expect(await throttle.retryAfter(["a", "b"], at: t0.addingTimeInterval(2)) == 898)
        #expect(await throttle.retryAfter(["b"], at: t0.addingTimeInterval(2)) == nil)
        #expect(await throttle.retryAfter(["a"], at: t0.addingTimeInterval(901)) == nil)
    }

    @Test func everyFormNeedsTheSessionsCSRFToken() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            _ = try await browser.get("/signin")
            let forged = try await browser.post("/signin", [("userName", "alice"), ("password", PortalFixture.password)], csrf: "0123")
            #expect(forged.status == .forbidden)
            try await browser.signIn("alice")
            _ = try await browser.get("/overview")
            for route in ["/changes", "/signout"] {
                let page = try await browser.post(route, [("kind", "enrol"), ("action", "save")], csrf: "")
                #expect(page.status == .forbidden, "\(route)")
            }
        }
    }

    @Test func sessionCookieIsHttpOnlyAndSameSiteStrictWithoutSecureOnPlainHTTP() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            _ = try await browser.get("/signin")
            #expect(browser.lastSetCookie.contains("HttpOnly"))
            #expect(browser.lastSetCookie.contains("SameSite=Strict"))
            #expect(!browser.lastSetCookie.contains("Secure"))
            let before = browser.cookie
            try await browser.signIn("alice")
            #expect(browser.cookie != before, "a new session ID at sign-in")
        }
    }

    @Test func enrolmentWithErrorsKeepsWhatWasTypedThenTheLabAcceptsIt() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=enrol")
            let bad = try await customer.post("/changes", [
                ("kind", "enrol"), ("action", "send"), ("wearerName", "Sørensen, Anne"), ("nationalID", "311399-1234"),
                ("type", "finger"), ("period", "3m"), ("start", "2027-02-01"), ("end", ""),
            ] + Self.submitter.dropLast() + [("submitterEmailConfirm", "other@example.dk")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains(#"value="Sørensen, Anne""#))
            #expect(bad.body.contains(#"id="f-nationalID-error""#))
            #expect(bad.body.contains(#"id="f-period-error""#))
            #expect(bad.body.contains(#"id="f-submitterEmailConfirm-error""#))
            #expect(bad.body.contains(#"<option value="finger" selected>"#))
            #expect(bad.body.contains(#"value="+45 35 32 00 00""#))

            let good = try await customer.post("/changes", [
                ("kind", "enrol"), ("action", "send"), ("wearerName", "Sørensen, Anne"), ("nationalID", "150385-4321"),
                ("type", "finger"), ("period", "1m"), ("start", "2027-02-01"), ("end", ""),
            ] + Self.submitter)
            #expect(good.status == .seeOther)
            let location = try #require(good.location)
            let sentPage = try await customer.get(location)
            #expect(sentPage.body.contains("1503••-••••"))
            #expect(!sentPage.body.contains("4321"))

            let lab = Browser(client)
            try await lab.signIn("lab1")
            let queue = try await lab.get("/lab/queue")
            #expect(queue.body.contains("Sørensen, Anne"))
            #expect(queue.body.contains("1503••-••••"))
            #expect(!queue.body.contains("150385"))
            let id = try #require(location.split(separator: "/").last?.split(separator: "?").first)
            let accepted = try await lab.post("/lab/submissions/\(id)/accept", [])
            #expect(accepted.status == .ok)
            #expect(accepted.body.contains("enrolled"))

            let overview = try await customer.get("/overview")
            #expect(overview.body.contains("Sørensen, Anne"))
            #expect(overview.body.contains("1503••-••••"))
        }
        let enrolled = try fixture.store.enrolments(customerID: "K-1001")
        #expect(enrolled.count == 2)
        #expect(enrolled.contains { $0.dosimeterType == .finger && $0.periodLength == .oneMonth })
        let trail = try fixture.store.auditTrail(submissionID: nil)
        #expect(trail.contains { $0.action == "accepted" && $0.userName == "lab1" })
        #expect(trail.contains { $0.action == "sent" && $0.userName == "alice" })
        #expect(!trail.contains { $0.detail.contains("150385") })
    }

    @Test func unenrolmentShowsTheEffectiveDateBeforeItIsSent() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=unenrol")
            let fields = [("kind", "unenrol"), ("action", "send"), ("enrolment", fixture.aliceEnrolment),
                          ("wearerName", "Mette Jensen"), ("lastDay", "2027-02-10")] + Self.submitter
            let preview = try await customer.post("/changes", fields)
            #expect(preview.status == .ok)
            #expect(preview.body.contains("2027-02-28"), "the period holding the wanted last day ends 2027-02-28")
            #expect(preview.body.contains(#"name="confirmedEnd" value="2027-02-28""#))
            let sent = try await customer.post("/changes", fields + [("confirmedEnd", "2027-02-28")])
            #expect(sent.status == .seeOther)
            let lab = Browser(client)
            try await lab.signIn("lab1")
            _ = try await lab.get("/lab/queue")
            let id = try #require(sent.location?.split(separator: "/").last?.split(separator: "?").first)
            _ = try await lab.post("/lab/submissions/\(id)/accept", [])
        }
        let ended = try #require(try fixture.store.enrolment(number: fixture.aliceEnrolment))
        #expect(ended.endDate?.description == "2027-02-28")
    }

    @Test func handoverAndCompanyDataAreAppliedWhenTheLabAccepts() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=handover")
            let handover = try await customer.post("/changes", [
                ("kind", "handover"), ("action", "send"), ("card", "C-0001"), ("wearerName", "Holm, Per"), ("nationalID", "150385-4321"),
            ] + Self.submitter)
            #expect(handover.status == .seeOther)
            let company = try await customer.post("/changes", [
                ("kind", "companyData"), ("action", "send"), ("name", "Alice's clinic"), ("contactName", "Mette Jensen"),
                ("contactEmail", "mette@example.dk"), ("deliveryAddress", "Nyvej 2, 2100 København Ø"), ("billingAddress", ""),
                ("invoiceReference", "PO-77"),
            ] + Self.submitter)
            #expect(company.status == .seeOther)
            let lab = Browser(client)
            try await lab.signIn("lab1")
            _ = try await lab.get("/lab/queue")
            for submission in try fixture.store.submissions(state: .sent) {
                let page = try await lab.post("/lab/submissions/\(submission.id!)/accept", [])
                #expect(page.status == .ok, "\(submission.kind)")
            }
        }
        // The person the card was handed over to: enrolled for the card's type from the next period.
        let enrolments = try fixture.store.enrolments(customerID: "K-1001")
        let wearers = try fixture.store.wearers(customerID: "K-1001")
        let per = try #require(wearers.first { $0.name == "Holm, Per" })
        let perEnrolment = try #require(enrolments.first { $0.wearerID == per.id })
        #expect(perEnrolment.dosimeterType == .wholeBody && perEnrolment.startDate.description == "2027-02-01")
        let customer = try #require(try fixture.store.customer(id: "K-1001"))
        #expect(customer.deliveryAddress == "Nyvej 2, 2100 København Ø" && customer.invoiceReference == "PO-77")
        #expect(try fixture.store.submissions(state: .accepted).count == 2)
    }

    @Test func saveWritesAResumeLinkToTheOutboxAndTheDraftResumes() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=enrol")
            let saved = try await customer.post("/changes", [
                ("kind", "enrol"), ("action", "save"), ("wearerName", "Holm, Per"), ("nationalID", "150385-4321"),
                ("type", ""), ("period", ""), ("start", ""),
            ] + Self.submitter)
            #expect(saved.status == .ok)
            let mail = try #require(try fixture.store.outbox().first)
            #expect(mail.recipient == "mette@example.dk")
            let link = try #require(mail.body.split(separator: "\n").last.map(String.init))
            #expect(saved.body.contains(link))
            let path = String(link.dropFirst("https://portal.example".count))
            let resumed = try await customer.get(path)
            #expect(resumed.status == .seeOther)
            let form = try await customer.get(try #require(resumed.location))
            #expect(form.body.contains(#"value="Holm, Per""#))
            #expect(form.body.contains("1503••-••••"), "the saved ID is shown masked, never sent back")
            #expect(!form.body.contains("4321"))

            // The link from the e-mail in a browser that is not signed in: sign in, then the draft.
            let later = Browser(client)
            let toSignIn = try await later.get(path)
            #expect(toSignIn.location == "/signin?next=\(path)")
            let signInPage = try await later.get(try #require(toSignIn.location))
            #expect(signInPage.body.contains(#"name="next" value="\#(path)""#))
            let signedIn = try await later.post("/signin", [("userName", "alice"), ("password", PortalFixture.password), ("next", path)])
            #expect(signedIn.location == path)
            // Never to another site.
            let elsewhere = Browser(client)
            _ = try await elsewhere.get("/signin")
            let redirected = try await elsewhere.post("/signin", [("userName", "alice"), ("password", PortalFixture.password),
                                                                 ("next", "//evil.example/resume/x")])
            #expect(redirected.location == "/overview")
        }
    }

    @Test func nationalIDIsRefusedWhenNotAllowedOnThisConnection() async throws {
        let fixture = try PortalFixture(nationalIDAllowed: false)
        try await fixture.test { client in
            let customer = Browser(client)
            try await customer.signIn("alice")
            _ = try await customer.get("/changes/new?kind=enrol")
            let page = try await customer.post("/changes", [
                ("kind", "enrol"), ("action", "send"), ("wearerName", "Holm, Per"), ("nationalID", "150385-4321"),
                ("type", "whole-body"), ("period", "1m"), ("start", "2027-02-01"),
            ] + Self.submitter)
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains(#"id="f-nationalID-error""#))
            #expect(!page.body.contains("150385"), "the refused ID is not echoed back either")
        }
        #expect(try fixture.store.submissions(customerID: "K-1001").isEmpty)
    }

    @Test func languageSwitchesToEnglishAndBack() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            let danish = try await browser.get("/signin")
            #expect(danish.body.contains("Adgangskode"))
            #expect(danish.body.contains(#"<label for="f-password">"#))
            let english = try await browser.get("/signin?lang=en")
            #expect(english.body.contains("Password"))
            #expect(english.body.contains(#"<html lang="en">"#))
        }
    }
}
