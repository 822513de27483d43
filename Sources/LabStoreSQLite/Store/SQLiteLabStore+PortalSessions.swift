import Crypto
import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: PortalSessionStore {
    static func sessionKeyHash(_ key: String) -> Data { Data(SHA256.hash(data: Data(key.utf8))) }

    public func createPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError) -> Bool {
        try write("create portal session", table: "portalSession") { db in
            try db.execute(sql: "DELETE FROM portalSession WHERE expiresAt IS NOT NULL AND expiresAt < ?", arguments: [now])
            try db.execute(sql: "INSERT OR IGNORE INTO portalSession (keyHash, value, expiresAt, updatedAt) VALUES (?, ?, ?, ?)",
                           arguments: [Self.sessionKeyHash(key), value, expiresAt, now])
            return db.changesCount == 1
        }
    }

    public func setPortalSession(key: String, value: Data, expiresAt: Date?, now: Date) throws(LabStoreError) {
        try write("update portal session", table: "portalSession") { db in
            guard let expiresAt else {
                // Keep the stored expiry: only a session that still exists is changed, so a session
                // deleted meanwhile (signed out elsewhere, expired) never comes back without an expiry.
                try db.execute(sql: "UPDATE portalSession SET value = ?, updatedAt = ? WHERE keyHash = ? AND (expiresAt IS NULL OR expiresAt >= ?)",
                               arguments: [value, now, Self.sessionKeyHash(key), now])
                return
            }
            try db.execute(sql: """
                INSERT INTO portalSession (keyHash, value, expiresAt, updatedAt) VALUES (?, ?, ?, ?)
                ON CONFLICT (keyHash) DO UPDATE SET value = excluded.value,
                    expiresAt = excluded.expiresAt, updatedAt = excluded.updatedAt
                """, arguments: [Self.sessionKeyHash(key), value, expiresAt, now])
        }
    }

    public func portalSession(key: String, now: Date) throws(LabStoreError) -> (value: Data, expiresAt: Date?)? {
        try read("read portal session") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT value, expiresAt FROM portalSession WHERE keyHash = ?",
                                             arguments: [Self.sessionKeyHash(key)]) else { return nil }
            let expiresAt: Date? = row["expiresAt"]
            if let expiresAt, expiresAt < now { return nil }
            return (row["value"], expiresAt)
        }
    }

    public func removePortalSession(key: String) throws(LabStoreError) {
        try write("remove portal session", table: "portalSession") { db in
            try db.execute(sql: "DELETE FROM portalSession WHERE keyHash = ?", arguments: [Self.sessionKeyHash(key)])
        }
    }

    public func portalSessionCount() throws(LabStoreError) -> Int {
        try read("count portal sessions") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM portalSession") ?? 0 }
    }
}
