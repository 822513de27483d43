import GRDB
import LabStore

/// Migration `v10-cases`: monitoring levels as data, level cases, investigation records and
/// authority notifications (docs/levels-and-cases.md).
///
/// - `customerLevels` gains the Czech programme's levels (seeds/003, section 5 b: recording 0.125,
///   investigation 0.5, intervention 3 mSv per 3 months; investigation 1, intervention 6 mSv and the
///   dose constraint 1 mSv per calendar year) as columns with those defaults, and who set them.
/// - `levelCase`: one row per person (national-ID look-up hash), kind and period, so a re-run never
///   opens a second case (UNIQUE). A case closes only with a complete investigation, and a case with
///   an authority notification only once that notification is marked sent (triggers).
/// - `caseInvestigation`: the Czech programme's section 6 questions, one row per case.
/// - `authorityNotification`: one per notifiable case (UNIQUE), sent once, never unsent.
/// - `annualReview`: when a customer's annual review of a year was first written (tld annual).
enum CasesMigration {
    static let name = "v10-cases"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE customerLevels ADD COLUMN recordingQuarterMilliSievert DOUBLE NOT NULL DEFAULT 0.125;
            ALTER TABLE customerLevels ADD COLUMN investigationQuarterMilliSievert DOUBLE NOT NULL DEFAULT 0.5;
            ALTER TABLE customerLevels ADD COLUMN interventionQuarterMilliSievert DOUBLE NOT NULL DEFAULT 3;
            ALTER TABLE customerLevels ADD COLUMN investigationYearMilliSievert DOUBLE NOT NULL DEFAULT 1;
            ALTER TABLE customerLevels ADD COLUMN interventionYearMilliSievert DOUBLE NOT NULL DEFAULT 6;
            ALTER TABLE customerLevels ADD COLUMN doseConstraintYearMilliSievert DOUBLE NOT NULL DEFAULT 1;
            ALTER TABLE customerLevels ADD COLUMN setBy TEXT NOT NULL DEFAULT '';

            CREATE TABLE levelCase (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                personLookup BLOB NOT NULL CHECK (typeof(personLookup) = 'blob' AND length(personLookup) = 32),
                kind TEXT NOT NULL CHECK (kind IN ('investigation-quarter', 'intervention-quarter', 'investigation-year',
                    'intervention-year', 'dose-constraint-year', 'notifiable-period', 'notifiable-year')),
                periodKey TEXT NOT NULL,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                wearerID INTEGER NOT NULL REFERENCES wearer(id) ON DELETE RESTRICT,
                doseID INTEGER NOT NULL REFERENCES doseResult(id) ON DELETE RESTRICT,
                valueMilliSievert DOUBLE NOT NULL,
                levelMilliSievert DOUBLE NOT NULL,
                openedOn TEXT NOT NULL,
                openedAt DATETIME NOT NULL,
                deadline TEXT NOT NULL,
                closedAt DATETIME,
                closedBy TEXT,
                CHECK ((closedAt IS NULL) = (closedBy IS NULL)),
                UNIQUE (personLookup, kind, periodKey)
            );
            CREATE INDEX levelCase_open ON levelCase(closedAt, deadline);

            CREATE TABLE caseInvestigation (
                caseID INTEGER PRIMARY KEY REFERENCES levelCase(id) ON DELETE RESTRICT,
                personalDose INTEGER CHECK (personalDose IN (0, 1)),
                apronWorn INTEGER CHECK (apronWorn IN (0, 1)),
                refinedEffectiveMilliSievert DOUBLE CHECK (refinedEffectiveMilliSievert >= 0),
                refinedMethod TEXT,
                causes TEXT,
                actions TEXT,
                workerInformedBy TEXT,
                workerInformedOn TEXT,
                recordedBy TEXT NOT NULL,
                recordedAt DATETIME NOT NULL
            );

            CREATE TABLE authorityNotification (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                caseID INTEGER NOT NULL UNIQUE REFERENCES levelCase(id) ON DELETE RESTRICT,
                reportNumber TEXT NOT NULL UNIQUE,
                raisedOn TEXT NOT NULL,
                raisedAt DATETIME NOT NULL,
                sentAt DATETIME,
                sentBy TEXT,
                sentHow TEXT CHECK (sentHow IN ('secure-email', 'digital-post', 'post', 'phone', 'web-form')),
                CHECK ((sentAt IS NULL) = (sentBy IS NULL) AND (sentAt IS NULL) = (sentHow IS NULL))
            );

            -- The annual radiation-safety review written for a customer and year (the Swedish routine,
            -- seeds/000: finished by 1 March of the following year); rewriting it keeps the first row.
            CREATE TABLE annualReview (
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                year INTEGER NOT NULL,
                writtenAt DATETIME NOT NULL,
                writtenBy TEXT NOT NULL,
                PRIMARY KEY (customerID, year)
            );

            -- Released doses whose level check has run: a command killed between a release and its
            -- check leaves the dose without a row, and the next release, review, cases or notifications
            -- command checks it (LevelCheck.catchUp). Doses released before this migration count as
            -- checked (tld cases check checks history on purpose).
            CREATE TABLE doseLevelCheck (
                doseID INTEGER PRIMARY KEY REFERENCES doseResult(id) ON DELETE RESTRICT,
                checkedAt DATETIME NOT NULL
            );
            INSERT INTO doseLevelCheck (doseID, checkedAt) SELECT id, CURRENT_TIMESTAMP FROM doseResult WHERE state = 'released';

            -- A case closes only when its investigation is complete (the Czech programme, section 6).
            CREATE TRIGGER levelCase_closeComplete BEFORE UPDATE OF closedAt ON levelCase
            WHEN NEW.closedAt IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM caseInvestigation i WHERE i.caseID = NEW.id
                AND i.personalDose IS NOT NULL AND i.apronWorn IS NOT NULL
                AND i.refinedEffectiveMilliSievert IS NOT NULL AND trim(coalesce(i.refinedMethod, '')) <> ''
                AND trim(coalesce(i.causes, '')) <> '' AND trim(coalesce(i.actions, '')) <> ''
                AND trim(coalesce(i.workerInformedBy, '')) <> '' AND i.workerInformedOn IS NOT NULL)
            BEGIN SELECT RAISE(ABORT, 'a case closes only with a complete investigation record'); END;
            -- ... and, when the authority was to be notified, only once the notification is sent.
            CREATE TRIGGER levelCase_closeNotified BEFORE UPDATE OF closedAt ON levelCase
            WHEN NEW.closedAt IS NOT NULL AND EXISTS (
                SELECT 1 FROM authorityNotification n WHERE n.caseID = NEW.id AND n.sentAt IS NULL)
            BEGIN SELECT RAISE(ABORT, 'a case closes only once its authority notification is marked sent'); END;
            CREATE TRIGGER levelCase_closedStays BEFORE UPDATE ON levelCase WHEN OLD.closedAt IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a closed case never changes'); END;
            CREATE TRIGGER levelCase_noDelete BEFORE DELETE ON levelCase
            BEGIN SELECT RAISE(ABORT, 'a case is never deleted'); END;
            CREATE TRIGGER caseInvestigation_closed BEFORE UPDATE ON caseInvestigation
            WHEN (SELECT closedAt FROM levelCase WHERE id = OLD.caseID) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'the investigation of a closed case never changes'); END;
            CREATE TRIGGER authorityNotification_sentStays BEFORE UPDATE ON authorityNotification WHEN OLD.sentAt IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a notification marked sent never changes'); END;
            CREATE TRIGGER authorityNotification_noDelete BEFORE DELETE ON authorityNotification
            BEGIN SELECT RAISE(ABORT, 'a notification is never deleted'); END;
            """)
    }
}
