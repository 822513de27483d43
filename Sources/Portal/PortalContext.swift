import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore

/// What the portal keeps per browser session (in the session store, never in the cookie: the
/// cookie carries only the random session ID).
public struct PortalSession: Codable, Sendable, Hashable {
    /// The token every form of this session must carry back (CSRF).
    public var csrfToken: String
    /// The signed-in account, nil before sign-in.
    public var accountID: Int64?
    public var language: PortalLanguage?

    public init(csrfToken: String, accountID: Int64? = nil, language: PortalLanguage? = nil) {
        self.csrfToken = csrfToken
        self.accountID = accountID
        self.language = language
    }
}

/// The request context of the portal: the session (hummingbird-auth) and the peer's address.
public struct PortalContext: SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<PortalSession>
    /// The peer's IP address ("local" when there is none, as in router tests).
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.sessions = .init()
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }
}
