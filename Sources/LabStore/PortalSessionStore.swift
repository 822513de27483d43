import Foundation

/// The portal's browser sessions (table `portalSession`, migration `v12-portal2`), kept in the
/// database so that a restart of `tld serve` signs nobody out. The session ID (the cookie's secret)
/// is never stored: rows are keyed by its SHA-256. A session past `expiresAt` is never returned and
/// is deleted on the next write.
public protocol PortalSessionStore: Sendable {
    /// Stores a new session; false (nothing changed) when one with this key exists and has not expired.
    func createPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError) -> Bool
    /// Stores or replaces a session; `expiresAt` nil keeps the stored expiry and changes only a
    /// session that still exists and has not expired (never stores one without an expiry).
    func setPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError)
    /// The session and its expiry, nil when there is none or it has expired at `now`.
    func portalSession(key: String, now: Date) throws(LabStoreError) -> (value: Data, expiresAt: Date?)?
    /// Deletes the session (sign-out).
    func removePortalSession(key: String) throws(LabStoreError)
    /// How many sessions are stored, expired ones included (tests, `tld account list`).
    func portalSessionCount() throws(LabStoreError) -> Int
}
