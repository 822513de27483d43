import Crypto
import Foundation

/// How a portal session is keyed in the database (table `portalSession`): by the SHA-256 of the
/// session ID, never the ID itself (the cookie's secret), on every backend, so that a session row
/// copied between backends still belongs to the same cookie.
public enum PortalSessionKey {
    /// The 32-byte key hash of a session ID.
    public static func hash(_ key: String) -> Data { Data(SHA256.hash(data: Data(key.utf8))) }
}
