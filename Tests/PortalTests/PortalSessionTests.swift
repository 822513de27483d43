import Foundation
import Hummingbird
import HummingbirdTesting
import LabStore
import Logging
import Testing
@testable import Portal

/// Sessions live in the lab database (`portalSession`): a new portal process over the same database
/// keeps everyone signed in, a session ends 8 hours after sign-in, and sign-out deletes it so that
/// a copied cookie opens nothing afterwards.
@Suite struct PortalSessionTests {
    /// A second portal over the fixture's database, as after a restart of `tld serve`, at `now`.
    static func restarted(_ fixture: PortalFixture, now: Date) throws -> PortalApp {
        try PortalApp(store: fixture.store, protector: fixture.protector,
                      configuration: PortalConfiguration(tls: false, nationalIDAllowed: true, baseURL: "https://portal.example",
                                                         now: { now }),
                      logger: Logger(label: "portal-test"))
    }

    @Test func aRestartKeepsTheSessionUntilItExpires() async throws {
        let fixture = try PortalFixture()
        let alice = try await Self.signedInCookie(fixture)
        #expect(try fixture.store.portalSessionCount() >= 1)
        let secret = String(alice.split(separator: "=", maxSplits: 1)[1])
        #expect(try fixture.store.portalSession(key: "portal." + secret, now: PortalFixture.now) != nil)

        // A new process an hour later: still signed in, the overview opens.
        let later = try Self.restarted(fixture, now: PortalFixture.now.addingTimeInterval(3600))
        try await Application(router: later.router()).test(.router) { client in
            let browser = Browser(client)
            browser.cookie = alice
            let page = try await browser.get("/overview")
            #expect(page.status == .ok)
            #expect(page.body.contains("Jensen, Mette"))
        }
        // Nine hours after sign-in the session has expired: back to sign-in.
        let expired = try Self.restarted(fixture, now: PortalFixture.now.addingTimeInterval(9 * 3600))
        try await Application(router: expired.router()).test(.router) { client in
            let browser = Browser(client)
            browser.cookie = alice
            let page = try await browser.get("/overview")
            #expect(page.status == .seeOther)
            #expect(page.location == "/signin")
        }
    }

    @Test func signingOutDeletesTheSession() async throws {
        let fixture = try PortalFixture()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            _ = try await alice.get("/overview")
            let copied = alice.cookie
            let secret = String(copied.split(separator: "=", maxSplits: 1)[1])
            #expect(try fixture.store.portalSession(key: "portal." + secret, now: PortalFixture.now) != nil)
            let out = try await alice.post("/signout", [])
            #expect(out.status == .seeOther)
            #expect(try fixture.store.portalSession(key: "portal." + secret, now: PortalFixture.now) == nil)
            // The copied cookie, replayed: signed out.
            let thief = Browser(client)
            thief.cookie = copied
            #expect(try await thief.get("/overview").location == "/signin")
        }
    }

    @Test func anUpdateNeverBringsBackADeletedSessionWithoutExpiry() throws {
        let fixture = try PortalFixture()
        let now = PortalFixture.now
        try fixture.store.setPortalSession(key: "portal.gone", value: Data("{}".utf8), expiresAt: nil, now: now)
        #expect(try fixture.store.portalSession(key: "portal.gone", now: now) == nil)
        #expect(try fixture.store.createPortalSession(key: "portal.k", value: Data("1".utf8), expiresAt: now.addingTimeInterval(60), now: now))
        #expect(!(try fixture.store.createPortalSession(key: "portal.k", value: Data("2".utf8), expiresAt: now.addingTimeInterval(60), now: now)))
        try fixture.store.setPortalSession(key: "portal.k", value: Data("3".utf8), expiresAt: nil, now: now)
        let kept = try #require(try fixture.store.portalSession(key: "portal.k", now: now))
        #expect(kept.value == Data("3".utf8) && kept.expiresAt == now.addingTimeInterval(60))
        #expect(try fixture.store.portalSession(key: "portal.k", now: now.addingTimeInterval(61)) == nil)
    }

    /// Signs Alice in on the fixture's portal; returns her session cookie (`tld_session=…`).
    static func signedInCookie(_ fixture: PortalFixture) async throws -> String {
        let box = CookieBox()
        try await fixture.test { client in
            let alice = Browser(client)
            try await alice.signIn("alice")
            #expect(try await alice.get("/overview").status == .ok)
            box.cookie = alice.cookie
        }
        return box.cookie
    }
}

final class CookieBox: @unchecked Sendable { // written once inside a test closure, read after it
    var cookie = ""
}
