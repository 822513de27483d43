import Foundation
import LabStore
import PostgresNIO

/// The portal's browser sessions on PostgreSQL (``PortalSessionStore``; the SQLite twin:
/// SQLiteLabStore+PortalSessions.swift). Rows are keyed by the SHA-256 of the session ID
/// (``PortalSessionKey``); a session past its expiry is never returned and is deleted on the next
/// create. Creating is one `INSERT … ON CONFLICT DO NOTHING`: of two servers creating the same key at
/// once exactly one gets true.
extension PostgresLabStore: PortalSessionStore {
    public func createPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError) -> Bool {
        try transaction("create portal session") { session -> Bool in
            var d = PostgresBindings()
            d.append(storedTime(now))
            try session.execute("DELETE FROM portalSession WHERE expiresAt IS NOT NULL AND expiresAt < $1", d)
            var b = PostgresBindings()
            try b.append(PortalSessionKey.hash(key)); try b.append(value); b.append(expiresAt.map(storedTime)); b.append(storedTime(now))
            return try !session.query("""
                INSERT INTO portalSession (keyHash, value, expiresAt, updatedAt) VALUES ($1, $2, $3, $4)
                ON CONFLICT (keyHash) DO NOTHING RETURNING 1
                """, b).isEmpty
        }
    }

    public func setPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError) {
        try transaction("update portal session") { session in
            guard let expiresAt else {
                // Keep the stored expiry: only a session that still exists is changed, so a session
                // deleted meanwhile (signed out elsewhere, expired) never comes back without an expiry.
                var b = PostgresBindings()
                try b.append(value); b.append(storedTime(now)); try b.append(PortalSessionKey.hash(key)); b.append(storedTime(now))
                try session.execute("""
                    UPDATE portalSession SET value = $1, updatedAt = $2 WHERE keyHash = $3 AND (expiresAt IS NULL OR expiresAt >= $4)
                    """, b)
                return
            }
            var b = PostgresBindings()
            try b.append(PortalSessionKey.hash(key)); try b.append(value); b.append(storedTime(expiresAt)); b.append(storedTime(now))
            try session.execute("""
                INSERT INTO portalSession (keyHash, value, expiresAt, updatedAt) VALUES ($1, $2, $3, $4)
                ON CONFLICT (keyHash) DO UPDATE SET value = EXCLUDED.value, expiresAt = EXCLUDED.expiresAt,
                    updatedAt = EXCLUDED.updatedAt
                """, b)
        }
    }

    public func portalSession(key: String, now: Date) throws(LabStoreError) -> (value: Data, expiresAt: Date?)? {
        try withSession("read portal session") { session -> (value: Data, expiresAt: Date?)? in
            var b = PostgresBindings()
            try b.append(PortalSessionKey.hash(key))
            guard let row = try session.query("SELECT value, expiresAt FROM portalSession WHERE keyHash = $1", b).first else { return nil }
            let (value, expiresAt) = try row.decode((Data, Date?).self)
            if let expiresAt, expiresAt < now { return nil }
            return (value, expiresAt)
        }
    }

    public func removePortalSession(key: String) throws(LabStoreError) {
        try transaction("remove portal session") { session in
            var b = PostgresBindings()
            try b.append(PortalSessionKey.hash(key))
            try session.execute("DELETE FROM portalSession WHERE keyHash = $1", b)
        }
    }

    public func portalSessionCount() throws(LabStoreError) -> Int {
        try withSession("count portal sessions") { session in
            try session.query("SELECT count(*) FROM portalSession").first?.decode(Int.self) ?? 0
        }
    }
}
