import GRDB

/// Migration `v12-portal2`: the portal's sessions, kept across a restart of `tld serve`.
///
/// - `portalSession`: one browser session. `keyHash` is the SHA-256 of the session ID (the cookie
///   carries the ID; a copy of the database does not let anyone sign in as a customer); `value` is
///   the session (CSRF token, account, language) as JSON; `expiresAt` ends it (8 hours after the
///   last change). Sign-out deletes the row.
enum PortalSessionMigration {
    static let name = "v12-portal2"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE portalSession (
                keyHash BLOB PRIMARY KEY CHECK (length(keyHash) = 32),
                value BLOB NOT NULL,
                expiresAt DATETIME,
                updatedAt DATETIME NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX portalSession_expiresAt ON portalSession(expiresAt);
            """)
    }
}
