import Foundation
import Synchronization
import Testing
@testable import LabStore

/// The portal's browser sessions (``PortalSessionStore``) on every backend that has them: kept by the
/// key's hash, never returned once expired, an expired one cleared on the next create, an update
/// without an expiry never bringing a deleted session back, one winner when two servers create the
/// same key at once.
@Suite("Store contract: portal sessions")
struct PortalSessionContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("create, read, update, expire and remove a session", arguments: StoreBackend.portalRole)
    func lifecycle(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openPortal()
        let t0 = Self.t0
        let expiry = t0.addingTimeInterval(3600)
        #expect(try store.createPortalSession(key: "k1", value: Data("one".utf8), expiresAt: expiry, now: t0))
        #expect(try store.createPortalSession(key: "k1", value: Data("other".utf8), expiresAt: expiry, now: t0) == false)
        let read = try #require(try store.portalSession(key: "k1", now: t0))
        #expect(read.value == Data("one".utf8) && read.expiresAt == expiry)
        #expect(try store.portalSession(key: "k2", now: t0) == nil)

        // An update without an expiry keeps the stored one; with one, replaces it.
        try store.setPortalSession(key: "k1", value: Data("two".utf8), expiresAt: nil, now: t0.addingTimeInterval(1))
        #expect(try store.portalSession(key: "k1", now: t0)?.value == Data("two".utf8))
        #expect(try store.portalSession(key: "k1", now: t0)?.expiresAt == expiry)
        let later = t0.addingTimeInterval(7200)
        try store.setPortalSession(key: "k1", value: Data("three".utf8), expiresAt: later, now: t0.addingTimeInterval(2))
        #expect(try store.portalSession(key: "k1", now: t0)?.expiresAt == later)
        // Without an expiry, a session that does not exist is not created.
        try store.setPortalSession(key: "k3", value: Data("ghost".utf8), expiresAt: nil, now: t0)
        #expect(try store.portalSession(key: "k3", now: t0) == nil)
        #expect(try store.portalSessionCount() == 1)

        // Past its expiry a session is not returned, not updated without an expiry, and the next create clears it.
        let after = later.addingTimeInterval(1)
        #expect(try store.portalSession(key: "k1", now: after) == nil)
        try store.setPortalSession(key: "k1", value: Data("late".utf8), expiresAt: nil, now: after)
        #expect(try store.portalSession(key: "k1", now: t0)?.value == Data("three".utf8))
        #expect(try store.createPortalSession(key: "k1", value: Data("new".utf8), expiresAt: after.addingTimeInterval(60), now: after))
        #expect(try store.portalSession(key: "k1", now: after)?.value == Data("new".utf8))
        // A millisecond expiry is kept to the millisecond.
        let precise = t0.addingTimeInterval(10_000.125)
        #expect(try store.createPortalSession(key: "k4", value: Data(), expiresAt: precise, now: after))
        #expect(try store.portalSession(key: "k4", now: after)?.expiresAt == precise)
        #expect(try store.portalSessionCount() == 2)

        try store.removePortalSession(key: "k1")
        #expect(try store.portalSession(key: "k1", now: after) == nil)
        try store.removePortalSession(key: "never")
        #expect(try store.portalSessionCount() == 1)
    }

    @Test("two servers creating the same session key at once: exactly one gets it", arguments: StoreBackend.portalRole)
    func createRace(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let servers = [try fixture.openPortal(), try fixture.openPortal(), try fixture.openPortal()]
        for round in 0..<5 {
            let wins = Mutex(0)
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: servers.count) { i in
                do {
                    if try servers[i].createPortalSession(key: "race-\(round)", value: Data([UInt8(i)]),
                                                          expiresAt: Self.t0.addingTimeInterval(60), now: Self.t0) {
                        wins.withLock { $0 += 1 }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            #expect(wins.withLock { $0 } == 1, "round \(round)")
        }
        #expect(try servers[0].portalSessionCount() == 5)
    }
}
