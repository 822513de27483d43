import GRDB
import LabStore

/// Migration `v12-portal2`: the portal's sessions kept across a restart, the "create agreement"
/// form, and wearer accounts.
///
/// - `portalAccount` is rebuilt (SQLite cannot change a CHECK; the 12-step procedure of
///   https://www.sqlite.org/lang_altertable.html §7, foreign keys off during GRDB's migration) to allow
///   the role `wearer`: an account of one person (`wearerID`, of the account's customer) who sees only
///   their own dose record, and only while the customer's contact grants it (`accessGranted`).
/// - `portalSession`: one browser session. `keyHash` is the SHA-256 of the session ID (the cookie
///   carries the ID; a copy of the database lets nobody sign in as a customer); `value` is the
///   session (CSRF token, account, language) as JSON; `expiresAt` ends it (8 hours after it began).
///   Sign-out deletes the row.
/// - `portalOverviewVersion`: a counter per customer that triggers on `enrolment` and `wearer` raise in
///   the same transaction as any change to them (from any program), so the portal can keep a
///   customer's sorted enrolment overview in memory and know at once when it is out of date.
/// - `portalAgreement`: one "create agreement" form of a company without an agreement (so without an
///   account: the resume token is its secret). Fields as typed in `fields` (JSON) except the first
///   wearers' national IDs, kept only sealed (`nationalIDs`: JSON of base64 sealed box and look-up
///   hash). Moves draft → sent → accepted (with the customer number the lab assigned) | rejected
///   (with a reason), once, like `portalSubmission`.
enum Portal2Migration {
    static let name = "v12-portal2"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE portalAccount_v12 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                userName TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(userName)) > 0),
                passwordHash TEXT NOT NULL CHECK (passwordHash LIKE '$2%'),
                role TEXT NOT NULL CHECK (role IN ('customer', 'lab', 'wearer')),
                customerID TEXT REFERENCES customer(id),
                displayName TEXT NOT NULL DEFAULT '',
                disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                createdAt DATETIME NOT NULL,
                wearerID INTEGER REFERENCES wearer(id),
                accessGranted INTEGER NOT NULL DEFAULT 0 CHECK (accessGranted IN (0, 1)),
                CHECK ((role IN ('customer', 'wearer')) = (customerID IS NOT NULL)),
                CHECK ((role = 'wearer') = (wearerID IS NOT NULL)),
                CHECK (role = 'wearer' OR accessGranted = 0)
            );
            INSERT INTO portalAccount_v12 (id, userName, passwordHash, role, customerID, displayName, disabled, createdAt)
                SELECT id, userName, passwordHash, role, customerID, displayName, disabled, createdAt FROM portalAccount;
            DROP TABLE portalAccount;
            ALTER TABLE portalAccount_v12 RENAME TO portalAccount;
            -- A wearer account is one of its customer's wearers.
            CREATE TRIGGER portalAccount_wearerOfCustomer BEFORE INSERT ON portalAccount
            WHEN NEW.wearerID IS NOT NULL AND NOT EXISTS (SELECT 1 FROM wearer WHERE id = NEW.wearerID AND customerID = NEW.customerID)
            BEGIN SELECT RAISE(ABORT, 'a wearer account belongs to a wearer of its customer'); END;
            CREATE TRIGGER portalAccount_wearerFixed BEFORE UPDATE OF wearerID, customerID, role ON portalAccount
            WHEN NEW.wearerID IS NOT OLD.wearerID OR NEW.customerID IS NOT OLD.customerID OR NEW.role != OLD.role
            BEGIN SELECT RAISE(ABORT, 'an account keeps its role, customer and wearer'); END;
            CREATE TABLE portalSession (
                keyHash BLOB PRIMARY KEY CHECK (length(keyHash) = 32),
                value BLOB NOT NULL,
                expiresAt DATETIME,
                updatedAt DATETIME NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX portalSession_expiresAt ON portalSession(expiresAt);
            CREATE TABLE portalOverviewVersion (
                customerID TEXT PRIMARY KEY,
                version INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE TRIGGER enrolment_overviewInsert AFTER INSERT ON enrolment
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (NEW.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TRIGGER enrolment_overviewUpdate AFTER UPDATE ON enrolment
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (NEW.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; INSERT INTO portalOverviewVersion (customerID, version) VALUES (OLD.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TRIGGER enrolment_overviewDelete AFTER DELETE ON enrolment
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (OLD.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TRIGGER wearer_overviewInsert AFTER INSERT ON wearer
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (NEW.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TRIGGER wearer_overviewUpdate AFTER UPDATE ON wearer
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (NEW.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; INSERT INTO portalOverviewVersion (customerID, version) VALUES (OLD.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TRIGGER wearer_overviewDelete AFTER DELETE ON wearer
            BEGIN INSERT INTO portalOverviewVersion (customerID, version) VALUES (OLD.customerID, 1) ON CONFLICT (customerID) DO UPDATE SET version = version + 1; END;
            CREATE TABLE portalAgreement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                state TEXT NOT NULL CHECK (state IN ('draft', 'sent', 'accepted', 'rejected')),
                fields TEXT NOT NULL CHECK (json_valid(fields)),
                nationalIDs TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(nationalIDs)),
                submitterName TEXT NOT NULL DEFAULT '',
                submitterPhone TEXT NOT NULL DEFAULT '',
                submitterEmail TEXT NOT NULL DEFAULT '',
                resumeToken TEXT NOT NULL UNIQUE,
                createdAt DATETIME NOT NULL,
                updatedAt DATETIME NOT NULL,
                sentAt DATETIME,
                decidedBy INTEGER REFERENCES portalAccount(id),
                decidedAt DATETIME,
                reason TEXT NOT NULL DEFAULT '',
                outcome TEXT NOT NULL DEFAULT '',
                customerID TEXT REFERENCES customer(id),
                CHECK ((state IN ('accepted', 'rejected')) = (decidedAt IS NOT NULL)),
                CHECK ((state = 'accepted') = (customerID IS NOT NULL)),
                CHECK (state != 'rejected' OR length(trim(reason)) > 0)
            );
            CREATE INDEX portalAgreement_state ON portalAgreement(state);
            CREATE TRIGGER portalAgreement_states BEFORE UPDATE OF state ON portalAgreement
            WHEN NOT ((OLD.state = 'draft' AND NEW.state IN ('draft', 'sent'))
                   OR (OLD.state = 'sent' AND NEW.state IN ('accepted', 'rejected')))
            BEGIN SELECT RAISE(ABORT, 'an agreement form moves draft, sent, then accepted or rejected, once'); END;
            CREATE TRIGGER portalAgreement_decidedIsFinal BEFORE UPDATE ON portalAgreement
            WHEN OLD.state IN ('accepted', 'rejected')
            BEGIN SELECT RAISE(ABORT, 'a decided agreement form is never changed'); END;
            CREATE TRIGGER portalAgreement_sentIsKept BEFORE DELETE ON portalAgreement
            WHEN OLD.state != 'draft'
            BEGIN SELECT RAISE(ABORT, 'a sent agreement form is never deleted'); END;
            """)
    }
}
