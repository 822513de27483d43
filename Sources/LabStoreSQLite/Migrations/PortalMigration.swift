import GRDB
import LabStore

/// Migration `v11-portal`: the customer portal's accounts, submissions, audit trail and outbox.
///
/// - `portalAccount`: a person who signs in to `tld serve`. A customer account belongs to exactly
///   one customer; a lab account to none. Only a bcrypt hash of the password is kept.
/// - `portalSubmission`: one change a customer makes through a form ("submit changes": enrol,
///   unenrol, hand over a card, company data). A draft (SAVE) is resumed by its token; SEND makes it
///   `sent`; the lab accepts or rejects it once. Every field typed is kept in `fields` (JSON) except
///   the national ID, which is kept only sealed (`nationalIDSealed`, `nationalIDLookup`).
/// - `portalAudit`: who did what, when, from which submission; rows are never changed or deleted.
/// - `portalOutbox`: e-mails the portal would send (resume links, decisions): the lab reads them
///   (`/lab/outbox`); no mail server is needed.
enum PortalMigration {
    static let name = "v11-portal"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE portalAccount (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                userName TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(userName)) > 0),
                passwordHash TEXT NOT NULL CHECK (passwordHash LIKE '$2%'),
                role TEXT NOT NULL CHECK (role IN ('customer', 'lab')),
                customerID TEXT REFERENCES customer(id),
                displayName TEXT NOT NULL DEFAULT '',
                disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                createdAt DATETIME NOT NULL,
                CHECK ((role = 'customer') = (customerID IS NOT NULL))
            );
            CREATE TABLE portalSubmission (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customerID TEXT NOT NULL REFERENCES customer(id),
                kind TEXT NOT NULL CHECK (kind IN ('enrol', 'unenrol', 'handover', 'companyData')),
                state TEXT NOT NULL CHECK (state IN ('draft', 'sent', 'accepted', 'rejected')),
                fields TEXT NOT NULL CHECK (json_valid(fields)),
                nationalIDSealed BLOB,
                nationalIDLookup BLOB,
                submitterName TEXT NOT NULL DEFAULT '',
                submitterPhone TEXT NOT NULL DEFAULT '',
                submitterEmail TEXT NOT NULL DEFAULT '',
                resumeToken TEXT NOT NULL UNIQUE,
                createdBy INTEGER NOT NULL REFERENCES portalAccount(id),
                createdAt DATETIME NOT NULL,
                updatedAt DATETIME NOT NULL,
                sentAt DATETIME,
                decidedBy INTEGER REFERENCES portalAccount(id),
                decidedAt DATETIME,
                reason TEXT NOT NULL DEFAULT '',
                outcome TEXT NOT NULL DEFAULT '',
                CHECK ((nationalIDSealed IS NULL) = (nationalIDLookup IS NULL)),
                CHECK ((state IN ('accepted', 'rejected')) = (decidedAt IS NOT NULL)),
                CHECK (state != 'rejected' OR length(trim(reason)) > 0)
            );
            CREATE INDEX portalSubmission_customer ON portalSubmission(customerID, state);
            -- A submission moves draft → sent → accepted | rejected, and a decided one never changes.
            CREATE TRIGGER portalSubmission_states BEFORE UPDATE OF state ON portalSubmission
            WHEN NOT ((OLD.state = 'draft' AND NEW.state IN ('draft', 'sent'))
                   OR (OLD.state = 'sent' AND NEW.state IN ('accepted', 'rejected')))
            BEGIN SELECT RAISE(ABORT, 'a portal submission moves draft, sent, then accepted or rejected, once'); END;
            CREATE TRIGGER portalSubmission_decidedIsFinal BEFORE UPDATE ON portalSubmission
            WHEN OLD.state IN ('accepted', 'rejected')
            BEGIN SELECT RAISE(ABORT, 'a decided portal submission is never changed'); END;
            CREATE TRIGGER portalSubmission_sentIsKept BEFORE DELETE ON portalSubmission
            WHEN OLD.state != 'draft'
            BEGIN SELECT RAISE(ABORT, 'a sent portal submission is never deleted'); END;
            CREATE TABLE portalAudit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at DATETIME NOT NULL,
                accountID INTEGER REFERENCES portalAccount(id),
                userName TEXT NOT NULL,
                action TEXT NOT NULL,
                customerID TEXT,
                submissionID INTEGER REFERENCES portalSubmission(id),
                detail TEXT NOT NULL DEFAULT ''
            );
            CREATE TRIGGER portalAudit_noUpdate BEFORE UPDATE ON portalAudit
            BEGIN SELECT RAISE(ABORT, 'the portal audit trail is never changed'); END;
            CREATE TRIGGER portalAudit_noDelete BEFORE DELETE ON portalAudit
            BEGIN SELECT RAISE(ABORT, 'the portal audit trail is never deleted'); END;
            CREATE TABLE portalOutbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at DATETIME NOT NULL,
                recipient TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                submissionID INTEGER REFERENCES portalSubmission(id)
            );
            """)
    }
}
