import Foundation
import Hummingbird
import HummingbirdAuth
import LabStore
import LabWorkflow
import Logging
import Mustache
import NIOCore

/// The customer portal: routes, session handling, CSRF and access control. Customer routes show and
/// change only the signed-in account's customer; lab routes (`/lab/…`) refuse customer accounts.
///
/// ```swift
/// let portal = try PortalApp(store: store, protector: protector, configuration: .init(tls: false,
///                            nationalIDAllowed: true, baseURL: "http://127.0.0.1:8080"), logger: logger)
/// let app = Application(router: portal.router(), configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct PortalApp: Sendable {
    let store: BlockingStore
    let protector: NationalIDProtector
    let configuration: PortalConfiguration
    let templates: MustacheLibrary
    let throttle: SignInThrottle
    let agreementLimit: FormRateLimit
    let logger: Logger
    let overviewCache = OverviewCache()
    private let base: BaseURL

    public init(store: any LabRecordStore & MasterDataStore & PortalStore, protector: NationalIDProtector,
                configuration: PortalConfiguration, logger: Logger) throws {
        self.store = BlockingStore(store: store)
        self.protector = protector
        self.configuration = configuration
        self.templates = try PortalTemplates.library()
        self.throttle = SignInThrottle(limit: configuration.signInLimit, window: configuration.signInWindow)
        self.agreementLimit = FormRateLimit(limit: configuration.agreementLimit, window: configuration.agreementWindow)
        self.logger = logger
        self.base = BaseURL(configuration.baseURL)
        if !unavailableParts.isEmpty {
            logger.warning("portal: not available on this store yet: \(unavailableParts.map(\.rawValue).joined(separator: ", ")) (their pages say so)")
        }
    }

    /// Where resume links point (set once the port is known when the server picked a free one).
    public var baseURL: String {
        get { base.value }
        nonmutating set { base.value = newValue }
    }

    /// The session cookie: random ID only, `HttpOnly` (Hummingbird's default), `SameSite=Strict`,
    /// `Secure` over TLS.
    var sessionConfiguration: SessionMiddlewareConfiguration {
        SessionMiddlewareConfiguration(
            sessionCookieParameters: .init(name: "tld_session", path: "/", secure: configuration.tls, sameSite: .strict),
            keyPrefix: "portal.", defaultSessionExpiration: .seconds(8 * 60 * 60))
    }

    /// Where sessions are kept: in the lab database (kept across a restart of `tld serve`, see
    /// ``DatabaseSessionDriver``) when the store can, else in this process's memory.
    func sessionDriver() -> any PersistDriver {
        if let sessions = store.store as? any PortalSessionStore {
            return DatabaseSessionDriver(store: store, sessions: sessions, now: configuration.now)
        }
        logger.warning("portal sessions kept in memory: this store cannot keep them; a restart signs everyone out")
        return MemoryPersistDriver()
    }

    public func router() -> Router<PortalContext> {
        let router = Router(context: PortalContext.self)
        router.add(middleware: SessionMiddleware(storage: sessionDriver(), configuration: sessionConfiguration))
        router.get("/") { _, context in
            guard let account = try await self.signedIn(context) else { return Self.redirect("/signin") }
            return Self.redirect(Self.home(account.role))
        }
        router.get("/signin") { request, context in try await self.signInPage(request, context) }
        router.post("/signin") { request, context in try await self.signIn(request, context) }
        router.post("/signout") { request, context in try await self.signOut(request, context) }
        router.get("/overview") { request, context in try await self.overview(request, context) }
        router.get("/changes/new") { request, context in try await self.newChange(request, context) }
        router.post("/changes") { request, context in try await self.postChange(request, context) }
        router.get("/changes/:id") { request, context in try await self.showChange(request, context) }
        router.get("/resume/:token") { request, context in try await self.resume(request, context) }
        router.get("/agreement") { request, context in try await self.newAgreement(request, context) }
        router.post("/agreement") { request, context in try await self.postAgreement(request, context) }
        router.get("/agreement/:token") { request, context in try await self.resumeAgreement(request, context) }
        router.post("/lab/agreements/:id/accept") { request, context in try await self.labAcceptAgreement(request, context) }
        router.post("/lab/agreements/:id/reject") { request, context in try await self.labRejectAgreement(request, context) }
        router.get("/my-record") { request, context in try await self.myRecord(request, context) }
        router.get("/access") { request, context in try await self.accessPage(request, context) }
        router.post("/access/:id/grant") { request, context in try await self.setAccess(request, context, granted: true) }
        router.post("/access/:id/revoke") { request, context in try await self.setAccess(request, context, granted: false) }
        router.get("/documents") { request, context in try await self.documents(request, context) }
        router.get("/documents/results/:file") { request, context in try await self.resultListDownload(request, context) }
        router.get("/documents/packing-slips/:file") { request, context in try await self.packingSlipDownload(request, context) }
        router.get("/documents/charges/:file") { request, context in try await self.chargesDownload(request, context) }
        router.get("/lab/queue") { request, context in try await self.labQueue(request, context) }
        router.post("/lab/submissions/:id/accept") { request, context in try await self.labAccept(request, context) }
        router.post("/lab/submissions/:id/reject") { request, context in try await self.labReject(request, context) }
        router.get("/lab/audit") { request, context in try await self.labAudit(request, context) }
        router.get("/lab/outbox") { request, context in try await self.labOutbox(request, context) }
        return router
    }

    // MARK: Responses

    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Renders `template` with `values` inside the layout.
    func page(_ template: String, title: String, values: [String: Any], context: PortalContext, request: Request,
              account: PortalAccount?, notice: String = "", status: HTTPResponse.Status = .ok) -> Response {
        let language = self.language(request, context)
        let texts = PortalTexts.all(language)
        var all = values
        all["t"] = texts
        all["csrf"] = context.sessions.session?.csrfToken ?? ""
        let body = templates.render(all, withTemplate: template + "." + language.rawValue) ?? ""
        let layout: [String: Any] = [
            "t": texts, "lang": language.rawValue, "title": title, "body": body,
            "otherLanguage": language == .da ? "en" : "da", "path": request.uri.path,
            "signedIn": account != nil, "userName": account?.userName ?? "", "csrf": all["csrf"] ?? "",
            "isCustomer": account?.role == .customer, "isLab": account?.role == .lab, "isWearer": account?.role == .wearer,
            "hasNotice": !notice.isEmpty, "notice": notice,
        ]
        return Self.html(templates.render(layout, withTemplate: "layout." + language.rawValue) ?? "", status: status)
    }

    func language(_ request: Request, _ context: PortalContext) -> PortalLanguage {
        context.sessions.session?.language ?? PortalLanguage.preferred(acceptLanguage: request.headers[.acceptLanguage])
    }

    func text(_ key: String, _ request: Request, _ context: PortalContext) -> String {
        PortalTexts.text(key, language(request, context))
    }

    // MARK: Sessions, CSRF, access

    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// The session, created (with a fresh CSRF token) when there is none; a `?lang=` switch is kept in it.
    @discardableResult
    func ensureSession(_ request: Request, _ context: PortalContext) -> PortalSession {
        var session = context.sessions.session ?? PortalSession(csrfToken: Self.randomToken())
        let isNew = context.sessions.session == nil
        if let wanted = request.uri.queryParameters["lang"].flatMap({ PortalLanguage(rawValue: String($0)) }) {
            session.language = wanted
        }
        if isNew { context.sessions.createSession(session) } else if session != context.sessions.session {
            _ = context.sessions.updateSession(session)
        }
        return session
    }

    /// The form's fields, after checking its CSRF token against the session's (403 otherwise).
    func form(_ request: Request, _ context: PortalContext) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        let fields = FormBody.decode(String(buffer: buffer))
        guard let session = context.sessions.session, let token = fields["csrf"],
              FormBody.constantTimeEqual(token, session.csrfToken) else {
            throw HTTPError(.forbidden, message: "The form is out of date or not from this site: reload the page and try again.")
        }
        return fields
    }

    /// The signed-in, enabled account, or nil.
    func signedIn(_ context: PortalContext) async throws -> PortalAccount? {
        guard let id = context.sessions.session?.accountID else { return nil }
        let account = try await store.run { try $0.account(id: id) }
        guard let account, !account.disabled else { return nil }
        return account
    }

    /// The signed-in customer account and its customer number; redirects to sign-in, refuses a lab account.
    func customerAccount(_ context: PortalContext) async throws -> (PortalAccount, String) {
        guard let account = try await signedIn(context) else {
            throw HTTPError(.seeOther, headers: [.location: "/signin"])
        }
        guard account.role == .customer, let customerID = account.customerID else {
            throw HTTPError(.forbidden, message: "This page is for customer accounts.")
        }
        return (account, customerID)
    }

    /// As ``customerAccount(_:)``, and `read` for that customer in the same trip to the store (one
    /// hop to the blocking pool instead of two, on the pages every customer opens most).
    func customerAccount<T: Sendable>(
        _ context: PortalContext,
        reading read: @escaping @Sendable (any LabRecordStore & MasterDataStore & PortalStore, String) throws -> T
    ) async throws -> (PortalAccount, String, T) {
        guard let id = context.sessions.session?.accountID else {
            throw HTTPError(.seeOther, headers: [.location: "/signin"])
        }
        let found: (PortalAccount, T?)? = try await store.run { store in
            guard let account = try store.account(id: id), !account.disabled else { return nil }
            guard account.role == .customer, let customerID = account.customerID else { return (account, nil) }
            return (account, try read(store, customerID))
        }
        guard let (account, value) = found else { throw HTTPError(.seeOther, headers: [.location: "/signin"]) }
        guard let value, let customerID = account.customerID else {
            throw HTTPError(.forbidden, message: "This page is for customer accounts.")
        }
        return (account, customerID, value)
    }

    /// The signed-in lab account; redirects to sign-in, refuses a customer account.
    func labAccount(_ context: PortalContext) async throws -> PortalAccount {
        guard let account = try await signedIn(context) else {
            throw HTTPError(.seeOther, headers: [.location: "/signin"])
        }
        guard account.role == .lab else {
            try await store.run { try $0.audit(PortalAuditEntry(at: self.configuration.now(), accountID: account.id,
                                                                 userName: account.userName, action: "refused lab page",
                                                                 customerID: account.customerID)) }
            throw HTTPError(.forbidden, message: "This page is for the lab.")
        }
        return account
    }

    var today: CalendarDay { Self.day(configuration.now()) }

    static func day(_ date: Date) -> CalendarDay {
        CalendarDay(utcDayOf: date)
    }

    // MARK: Sign-in

    func signInPage(_ request: Request, _ context: PortalContext) async throws -> Response {
        ensureSession(request, context)
        let next = request.uri.queryParameters["next"].map(String.init).flatMap(Self.localPath) ?? ""
        return page("signin", title: text("signIn", request, context),
                    values: ["hasError": false, "userNameTyped": "", "hasNext": !next.isEmpty, "next": next],
                    context: context, request: request, account: nil)
    }

    func signIn(_ request: Request, _ context: PortalContext) async throws -> Response {
        let fields = try await form(request, context)
        let userName = (fields["userName"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = fields["password"] ?? ""
        let keys = [SignInThrottle.accountKey(userName), SignInThrottle.addressKey(context.remoteAddress)]
        let now = configuration.now()
        let address = context.remoteAddress
        func refuse(_ key: String, status: HTTPResponse.Status) -> Response {
            page("signin", title: text("signIn", request, context),
                 values: ["hasError": true, "error": text(key, request, context), "userNameTyped": userName,
                          "hasNext": Self.localPath(fields["next"] ?? "") != nil, "next": Self.localPath(fields["next"] ?? "") ?? ""],
                 context: context, request: request, account: nil, status: status)
        }
        if let seconds = await throttle.retryAfter(keys, at: now) {
            try await store.run { try $0.audit(PortalAuditEntry(at: now, accountID: nil, userName: userName, action: "sign-in throttled",
                                                                 detail: "address \(address)")) }
            var response = refuse("throttled", status: .tooManyRequests)
            response.headers[.retryAfter] = "\(seconds)"
            return response
        }
        let account = try await store.run { try $0.account(userName: userName) }
        // Bcrypt is slow on purpose (cost 12): off the event loop and the cooperative pool too.
        let matches = try await store.run { _ in
            guard let account, !account.disabled else { return false }
            return PortalPassword.verify(password, hash: account.passwordHash)
        }
        guard let account, matches else {
            await throttle.recordFailure(keys, at: now)
            try await store.run { try $0.audit(PortalAuditEntry(at: now, accountID: account?.id, userName: userName,
                                                                 action: "sign-in failed", detail: "address \(address)")) }
            return refuse("badSignIn", status: .unauthorized)
        }
        await throttle.clear(SignInThrottle.accountKey(userName))
        try await store.run { try $0.audit(PortalAuditEntry(at: now, accountID: account.id, userName: account.userName,
                                                             action: "signed in", customerID: account.customerID,
                                                             detail: "address \(address)")) }
        // A new session ID at sign-in (no session fixation), with a new CSRF token.
        let language = context.sessions.session?.language
        context.sessions.clearSession()
        context.sessions.createSession(PortalSession(csrfToken: Self.randomToken(), accountID: account.id, language: language))
        if account.role == .customer, let next = Self.localPath(fields["next"] ?? "") { return Self.redirect(next) }
        return Self.redirect(Self.home(account.role))
    }

    /// `path` when it is a path of this portal to go on to after sign-in (a resume link), else nil:
    /// never another site (no open redirect).
    static func localPath(_ path: String) -> String? {
        guard path.hasPrefix("/resume/"), path.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2F })
        else { return nil }
        return path
    }

    func signOut(_ request: Request, _ context: PortalContext) async throws -> Response {
        _ = try await form(request, context)
        if let account = try await signedIn(context) {
            try await store.run { try $0.audit(PortalAuditEntry(at: self.configuration.now(), accountID: account.id,
                                                                 userName: account.userName, action: "signed out",
                                                                 customerID: account.customerID)) }
        }
        context.sessions.clearSession()
        return Self.redirect("/signin")
    }
}

/// The portal's base URL, settable after the server has bound its port.
final class BaseURL: @unchecked Sendable { // guarded by `lock`
    private let lock = NSLock()
    private var text: String
    init(_ text: String) { self.text = text }
    var value: String {
        get { lock.withLock { text } }
        set { lock.withLock { text = newValue } }
    }
}
