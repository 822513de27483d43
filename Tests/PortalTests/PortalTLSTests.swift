import Foundation
import HummingbirdTesting
import LabStore
import Logging
import TestSupport
import Testing
@testable import Portal

/// The portal over TLS (swift-nio-ssl) with a self-signed pair made by the openssl CLI for the test.
/// In `make test`'s serial pass (scripts/swift-test-passes.sh): the HTTPS client has a wall-clock deadline.
@Suite struct PortalTLSTests {
    static func selfSignedPair(in directory: URL) throws -> PortalServer.TLSFiles {
        let cert = directory.appendingPathComponent("portal.crt").path
        let key = directory.appendingPathComponent("portal.key").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return PortalServer.TLSFiles(certificate: cert, key: key)
    }

    @Test func overTLSTheSessionCookieIsSecureHttpOnlyAndSameSiteStrict() async throws {
        let directory = try TemporaryDirectory()
        let files = try Self.selfSignedPair(in: directory.url)
        let fixture = try PortalFixture(tls: true)
        let app = try PortalServer.application(portal: fixture.portal, host: "127.0.0.1", port: 0, tls: files,
                                               logger: Logger(label: "portal-tls-test"))
        try await app.test(.ahc(.https)) { client in
            let browser = Browser(client)
            let page = try await browser.get("/signin")
            #expect(page.status == .ok)
            #expect(browser.lastSetCookie.contains("Secure"))
            #expect(browser.lastSetCookie.contains("HttpOnly"))
            #expect(browser.lastSetCookie.contains("SameSite=Strict"))
            // A wrong password over TLS: refused like on plain HTTP (the client here follows redirects,
            // so the successful sign-in's 303 is checked in the router tests).
            let refused = try await browser.post("/signin", [("userName", "alice"), ("password", "wrong password")])
            #expect(refused.status == .unauthorized)
        }
    }

    @Test func aMissingCertificateIsAClearError() throws {
        let fixture = try PortalFixture(tls: true)
        #expect(throws: PortalServer.StartError.self) {
            _ = try PortalServer.application(portal: fixture.portal, host: "127.0.0.1", port: 0,
                                             tls: .init(certificate: "/nonexistent.crt", key: "/nonexistent.key"),
                                             logger: Logger(label: "portal-tls-test"))
        }
    }

    @Test func nationalIDsOverPlainHTTPOnlyOnLoopback() {
        #expect(PortalConfiguration.allowsNationalID(tls: true, host: "0.0.0.0"))
        #expect(PortalConfiguration.allowsNationalID(tls: false, host: "127.0.0.1"))
        #expect(PortalConfiguration.allowsNationalID(tls: false, host: "::1"))
        #expect(!PortalConfiguration.allowsNationalID(tls: false, host: "0.0.0.0"))
        #expect(!PortalConfiguration.allowsNationalID(tls: false, host: "192.168.1.10"))
    }
}
