import Foundation

/// How `tld serve` runs the portal.
public struct PortalConfiguration: Sendable {
    /// Served over TLS: session cookies get `Secure`.
    public var tls: Bool
    /// Whether a typed national ID is accepted: over TLS always; over plain HTTP only when the server
    /// listens on loopback (development on the lab's own machine: nothing crosses a network).
    public var nationalIDAllowed: Bool
    /// The address customers reach the portal at, for resume links in the outbox, e.g. `https://portal.lab.dk`.
    public var baseURL: String
    /// Failed sign-ins allowed per account and per address within `signInWindow`.
    public var signInLimit: Int
    public var signInWindow: TimeInterval
    /// Posts of the "create agreement" form (no account needed) allowed per client address within
    /// `agreementWindow`; more are refused with 429 (``FormRateLimit``).
    public var agreementLimit: Int
    public var agreementWindow: TimeInterval
    /// The clock (tests pass a fixed one).
    public var now: @Sendable () -> Date

    public init(tls: Bool, nationalIDAllowed: Bool, baseURL: String, signInLimit: Int = 5,
                signInWindow: TimeInterval = 15 * 60, agreementLimit: Int = 20, agreementWindow: TimeInterval = 60 * 60,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.tls = tls
        self.nationalIDAllowed = nationalIDAllowed
        self.baseURL = baseURL
        self.signInLimit = signInLimit
        self.signInWindow = signInWindow
        self.agreementLimit = agreementLimit
        self.agreementWindow = agreementWindow
        self.now = now
    }

    /// The rule of `nationalIDAllowed` for a server on `host`.
    public static func allowsNationalID(tls: Bool, host: String) -> Bool {
        tls || ["127.0.0.1", "::1", "localhost"].contains(host)
    }
}
