import Foundation
import Hummingbird
import HummingbirdTesting
import LabStore
import LabStoreSQLite
import Logging
import NIOCore
@testable import Portal

/// A lab with two customers (K-1001 Alice's clinic, K-1002 Bob's), a wearer and an enrolment each,
/// one card sent to each, their accounts and a lab account; the clock stands at 2027-01-20 12:00 UTC.
struct PortalFixture {
    static let now = Date(timeIntervalSince1970: 1_800_446_400) // 2027-01-20T12:00:00Z
    static let password = "correct horse battery"
    /// The wearers' national IDs (valid CPR numbers; they must never appear in a page).
    static let aliceWearerID = "010180-1234"
    static let bobWearerID = "020290-2345"

    let store: SQLiteLabStore
    let protector: NationalIDProtector
    let portal: PortalApp
    var aliceEnrolment = ""
    var bobEnrolment = ""

    /// - Parameter portalNow: the portal's clock (the store's stays at `now`), e.g. after the first period ended.
    init(tls: Bool = false, nationalIDAllowed: Bool = true, signInLimit: Int = 5, agreementLimit: Int = 20,
         portalNow: Date = PortalFixture.now) throws {
        let logger = Logger(label: "portal-test")
        store = try SQLiteLabStore.inMemory(logger: logger, now: { Self.now })
        protector = try NationalIDProtector(masterKey: Data(repeating: 7, count: 32))
        let start = try CalendarDay(parsing: "2027-01-01")
        for (customer, name, wearer, id, card) in [("K-1001", "Alice's clinic", "Jensen, Mette", Self.aliceWearerID, "C-0001"),
                                                   ("K-1002", "Bob's clinic", "Hansen, Ole", Self.bobWearerID, "C-0002")] {
            _ = try store.addCustomer(Customer(id: customer, name: name, deliveryAddress: "Vej 1, 2100 København Ø",
                                               contactEmail: "kontakt@\(customer.lowercased()).dk"))
            let w = try store.addWearer(customerID: customer, name: wearer, nationalID: try protector.protect(try NationalIDProtector.digits(of: id)),
                                        birthDate: nil)
            let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: customer, dosimeterType: .wholeBody, periodLength: .oneMonth,
                                              startDate: start, orderedOn: start))
            if customer == "K-1001" { aliceEnrolment = e.number } else { bobEnrolment = e.number }
            try store.addCards([Card(id: card, dosimeterType: .wholeBody, stateChangedAt: Self.now)])
            _ = try store.issueCards([IssueRequest(cardID: card, enrolmentID: e.id!, periodStart: start,
                                                   periodEnd: try CalendarDay(parsing: "2027-01-31"))],
                                     customerID: customer, dispatchedOn: try CalendarDay(parsing: "2026-12-28"))
        }
        let hash = PortalPassword.hash(Self.password, cost: 4)
        _ = try store.addAccount(PortalAccount(userName: "alice", passwordHash: hash, role: .customer, customerID: "K-1001"))
        _ = try store.addAccount(PortalAccount(userName: "bob", passwordHash: hash, role: .customer, customerID: "K-1002"))
        _ = try store.addAccount(PortalAccount(userName: "lab1", passwordHash: hash, role: .lab, customerID: nil))
        portal = try PortalApp(store: store, protector: protector,
                               configuration: PortalConfiguration(tls: tls, nationalIDAllowed: nationalIDAllowed,
                                                                  baseURL: "https://portal.example", signInLimit: signInLimit,
                                                                  agreementLimit: agreementLimit, now: { portalNow }),
                               logger: logger)
    }

    /// Runs `body` against the portal's router (no network).
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: portal.router())
        try await app.test(.router, body)
    }
}

/// A browser of one person: keeps the session cookie, reads the CSRF token off each page.
final class Browser: @unchecked Sendable { // used by one test task at a time
    let client: any TestClientProtocol
    var cookie = ""
    var csrf = ""
    var lastSetCookie = ""

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        let status: HTTPResponse.Status
        let body: String
        let location: String?
        var headers: HTTPFields = [:]
    }

    func get(_ uri: String) async throws -> Page {
        try await send(uri, method: .get, body: nil)
    }

    func post(_ uri: String, _ fields: [(String, String)], csrf token: String? = nil) async throws -> Page {
        try await send(uri, method: .post, body: FormBody.encode([("csrf", token ?? csrf)] + fields))
    }

    private func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookie.isEmpty { headers[.cookie] = cookie }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: uri, method: method, headers: headers,
                                                body: body.map { ByteBuffer(string: $0) })
        for setCookie in response.headers[values: .setCookie] {
            lastSetCookie = setCookie
            let pair = setCookie.split(separator: ";")[0]
            if setCookie.contains("Max-Age=0") || setCookie.contains("Expires=Thu, 01 Jan 1970") { cookie = "" } else { cookie = String(pair) }
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="csrf" value=""#) {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        return Page(status: response.status, body: text, location: response.headers[.location], headers: response.headers)
    }

    /// Signs in as `user` (the sign-in page first, for the session and its CSRF token).
    @discardableResult
    func signIn(_ user: String, password: String = PortalFixture.password) async throws -> Page {
        _ = try await get("/signin")
        return try await post("/signin", [("userName", user), ("password", password)])
    }
}
