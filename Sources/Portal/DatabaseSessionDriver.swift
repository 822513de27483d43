import Foundation
import Hummingbird
import LabStore

/// Hummingbird's session storage on the lab database (table `portalSession`) instead of the
/// server's memory: a restart of `tld serve` signs nobody out, an expired session is refused, and
/// sign-out deletes the row. Values are JSON; the store keys rows by the SHA-256 of the session ID.
/// The clock is the portal's (tests move it), and every call runs on the blocking pool.
struct DatabaseSessionDriver: PersistDriver {
    let store: BlockingStore
    let sessions: any PortalSessionStore
    let now: @Sendable () -> Date

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let now = self.now()
        let expiresAt = expires.map { now.addingTimeInterval(Self.seconds($0)) }
        let created = try await store.run { [sessions] _ in try sessions.createPortalSession(key: key, value: data, expiresAt: expiresAt, now: now) }
        guard created else { throw PersistError.duplicate }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let now = self.now()
        let expiresAt = expires.map { now.addingTimeInterval(Self.seconds($0)) }
        try await store.run { [sessions] _ in try sessions.setPortalSession(key: key, value: data, expiresAt: expiresAt, now: now) }
    }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: Object.self)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = self.now()
        guard let found = try await store.run({ [sessions] _ in try sessions.portalSession(key: key, now: now) }) else { return nil }
        // A row that no longer decodes (another version's session) is no session: sign in again.
        guard let object = try? JSONDecoder().decode(Object.self, from: found.value) else { return nil }
        return (object, found.expiresAt.map { .milliseconds(Int64(($0.timeIntervalSince(now) * 1000).rounded(.down))) })
    }

    func remove(key: String) async throws {
        try await store.run { [sessions] _ in try sessions.removePortalSession(key: key) }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
