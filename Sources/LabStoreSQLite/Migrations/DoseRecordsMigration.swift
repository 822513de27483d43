import GRDB
import LabStore

/// Migration `v9-records`: the person's dose record and what the service owes with it (issue 13).
/// - `cardIssue.handedOverToWearerID`: the person who wore a handed-over card (DOMAIN.md §2), so the
///   dose goes to that person's record exactly, also when they were enrolled already (then no new
///   enrolment carries `handedOverFromIssueID`). Filled from the enrolments for rows written before.
/// - `assignedDose`: a dose assigned for a lost, unreturned or unreadable dosimeter — by the Czech
///   programme's method (c) (a named colleague's or group's dose) or a notional dose entered by a
///   physicist, with who and why. Append-only; a correction is a new row that `replacesID` the old.
/// - `registryExport`, `registryRecord`: the export log of the registry report (docs/registry-export.md):
///   what went out when, one row per record sent; a correction points to the record it replaces.
/// - Retention (Czech seed §9): a wearer or an enrolment is never deleted before the person's retention
///   date — 75 years of age and at least 30 years after the last monitored period.
enum DoseRecordsMigration {
    static let name = "v9-records"

    static func migrate(_ db: Database) throws {
        let methods = AssignedDose.Method.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let reasons = AssignedDose.Reason.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let statuses = DoseRecordStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let kinds = RegistryRecordKind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        // The issue has a current dose with a value: nothing to assign then.
        let measured = """
            EXISTS (SELECT 1 FROM cardIssue i JOIN doseResult d ON d.batchID = i.batchID AND d.cardID = i.cardID
                    WHERE i.id = NEW.issueID AND d.supersededAt IS NULL
                    AND (d.hp10MilliSievert IS NOT NULL OR d.hp007MilliSievert IS NOT NULL))
            """
        // Every monitored period of the person (by look-up hash) whose wearer row is OLD.
        let lastPeriod = """
            (SELECT max(i.periodEnd) FROM cardIssue i JOIN enrolment e ON e.id = i.enrolmentID
             WHERE e.wearerID IN (SELECT w.id FROM wearer w WHERE w.nationalIDLookup = P.lookup)
                OR i.handedOverToWearerID IN (SELECT w.id FROM wearer w WHERE w.nationalIDLookup = P.lookup))
            """
        let retentionPassed = """
            (P.birthDate IS NOT NULL AND date(P.birthDate, '+75 years') <= date('now')
             AND coalesce(date(\(lastPeriod), '+30 years'), '0000-01-01') <= date('now'))
            """
        try db.execute(sql: """
            ALTER TABLE cardIssue ADD COLUMN handedOverToWearerID INTEGER REFERENCES wearer(id);
            CREATE INDEX cardIssue_handedOverTo ON cardIssue(handedOverToWearerID) WHERE handedOverToWearerID IS NOT NULL;
            CREATE INDEX enrolment_handedOverFrom ON enrolment(handedOverFromIssueID) WHERE handedOverFromIssueID IS NOT NULL;
            UPDATE cardIssue SET handedOverToWearerID = coalesce(
                (SELECT e.wearerID FROM enrolment e WHERE e.handedOverFromIssueID = cardIssue.id),
                (SELECT min(w.id) FROM wearer w WHERE w.customerID = cardIssue.customerID AND w.name = cardIssue.handedOverToName
                 HAVING count(*) = 1))
            WHERE handedOverToName IS NOT NULL;

            CREATE TABLE assignedDose (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                issueID INTEGER NOT NULL REFERENCES cardIssue(id) ON DELETE RESTRICT,
                method TEXT NOT NULL CHECK (method IN (\(methods))),
                reason TEXT NOT NULL CHECK (reason IN (\(reasons))),
                hp10MilliSievert REAL CHECK (hp10MilliSievert IS NULL OR (hp10MilliSievert >= 0 AND hp10MilliSievert <= 10000)),
                hp007MilliSievert REAL CHECK (hp007MilliSievert IS NULL OR (hp007MilliSievert >= 0 AND hp007MilliSievert <= 10000)),
                -- Method (c): the colleagues' issues whose dose was taken (a JSON array of issue ids).
                sourceIssueIDs TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sourceIssueIDs) AND json_type(sourceIssueIDs) = 'array'),
                who TEXT NOT NULL CHECK (length(trim(who)) > 0),
                why TEXT NOT NULL CHECK (length(trim(why)) > 0),
                assignedAt DATETIME NOT NULL,
                replacesID INTEGER UNIQUE REFERENCES assignedDose(id),
                CHECK (hp10MilliSievert IS NOT NULL OR hp007MilliSievert IS NOT NULL),
                CHECK ((method = 'colleague') = (json_array_length(sourceIssueIDs) > 0))
            );
            CREATE INDEX assignedDose_issue ON assignedDose(issueID);
            CREATE TRIGGER assignedDose_noUpdate BEFORE UPDATE ON assignedDose
            BEGIN SELECT RAISE(ABORT, 'assigned doses are append-only: a correction is a new row that replaces the old'); END;
            CREATE TRIGGER assignedDose_noDelete BEFORE DELETE ON assignedDose
            BEGIN SELECT RAISE(ABORT, 'assigned doses are never deleted'); END;
            CREATE TRIGGER assignedDose_onlyWithoutMeasurement BEFORE INSERT ON assignedDose
            WHEN \(measured)
            BEGIN SELECT RAISE(ABORT, 'the dosimeter of this period has a measured dose: nothing to assign'); END;
            CREATE TRIGGER assignedDose_lostIsNotReturned BEFORE INSERT ON assignedDose
            WHEN NEW.reason IN ('lost', 'notReturned')
                AND (SELECT returnID FROM cardIssue WHERE id = NEW.issueID) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'the dosimeter came back: it is not lost or unreturned'); END;
            CREATE TRIGGER assignedDose_replacesSameIssue BEFORE INSERT ON assignedDose
            WHEN NEW.replacesID IS NOT NULL
                AND (SELECT issueID FROM assignedDose WHERE id = NEW.replacesID) IS NOT NEW.issueID
            BEGIN SELECT RAISE(ABORT, 'a correction replaces an assigned dose of the same period'); END;
            CREATE TRIGGER assignedDose_oneCurrent BEFORE INSERT ON assignedDose
            WHEN EXISTS (SELECT 1 FROM assignedDose a WHERE a.issueID = NEW.issueID
                         AND a.id IS NOT NEW.replacesID AND NOT EXISTS (SELECT 1 FROM assignedDose b WHERE b.replacesID = a.id))
            BEGIN SELECT RAISE(ABORT, 'this period already has an assigned dose: correct it (it is replaced, not added to)'); END;

            CREATE TABLE registryExport (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                createdAt DATETIME NOT NULL,
                fromDay TEXT NOT NULL,
                toDay TEXT NOT NULL CHECK (toDay >= fromDay),
                fileName TEXT NOT NULL,
                recordCount INTEGER NOT NULL CHECK (recordCount >= 0),
                sha256 TEXT NOT NULL
            );
            CREATE TABLE registryRecord (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                exportID INTEGER NOT NULL REFERENCES registryExport(id) ON DELETE RESTRICT,
                issueID INTEGER NOT NULL REFERENCES cardIssue(id) ON DELETE RESTRICT,
                personLookup BLOB NOT NULL CHECK (typeof(personLookup) = 'blob' AND length(personLookup) = 32),
                kind TEXT NOT NULL CHECK (kind IN (\(kinds))),
                correctsID INTEGER UNIQUE REFERENCES registryRecord(id),
                status TEXT NOT NULL CHECK (status IN (\(statuses))),
                hp10MilliSievert REAL,
                hp007MilliSievert REAL,
                content TEXT NOT NULL,
                CHECK ((kind = 'original') = (correctsID IS NULL))
            );
            CREATE INDEX registryRecord_issue ON registryRecord(issueID, personLookup);
            CREATE TRIGGER registryExport_noUpdate BEFORE UPDATE ON registryExport
            BEGIN SELECT RAISE(ABORT, 'the registry export log is append-only'); END;
            CREATE TRIGGER registryExport_noDelete BEFORE DELETE ON registryExport
            BEGIN SELECT RAISE(ABORT, 'the registry export log is never deleted'); END;
            CREATE TRIGGER registryRecord_noUpdate BEFORE UPDATE ON registryRecord
            BEGIN SELECT RAISE(ABORT, 'a registry record sent is never changed: send a correction'); END;
            CREATE TRIGGER registryRecord_noDelete BEFORE DELETE ON registryRecord
            BEGIN SELECT RAISE(ABORT, 'registry records sent are never deleted'); END;

            CREATE TRIGGER wearer_keptUntilRetention BEFORE DELETE ON wearer
            WHEN NOT (SELECT \(retentionPassed) FROM (SELECT OLD.birthDate AS birthDate, OLD.nationalIDLookup AS lookup) P)
            BEGIN SELECT RAISE(ABORT, 'a person''s records are kept until their retention date (age 75, and 30 years after the last monitored period)'); END;
            CREATE TRIGGER enrolment_keptUntilRetention BEFORE DELETE ON enrolment
            WHEN NOT (SELECT \(retentionPassed) FROM (SELECT w.birthDate AS birthDate, w.nationalIDLookup AS lookup FROM wearer w WHERE w.id = OLD.wearerID) P)
            BEGIN SELECT RAISE(ABORT, 'a person''s records are kept until their retention date (age 75, and 30 years after the last monitored period)'); END;
            """)
    }
}
