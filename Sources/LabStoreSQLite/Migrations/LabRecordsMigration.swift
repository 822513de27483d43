import GRDB
import LabStore

/// Migration `v3-lab-records`: customers, wearers (national ID sealed, never in clear), enrolments,
/// cards and their elements, issues, shipments, returns and intake scans, inspections, anneal runs and
/// checks, prices, and the dose audit trail; with the card cycle's interlocks as triggers, so that no
/// program writing to the file can zero or reissue a card whose dose is not released.
enum LabRecordsMigration {
    static let name = "v3-lab-records"

    static func migrate(_ db: Database) throws {
        let types = DosimeterType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let lengths = PeriodLength.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let states = CardState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        // The current release test, used by two triggers.
        let releasedDose = """
            EXISTS (SELECT 1 FROM doseResult d WHERE d.cardID = NEW.id AND d.batchID = NEW.lastBatchID
                    AND d.supersededAt IS NULL AND d.state = 'released')
            """
        try db.execute(sql: """
            CREATE TABLE customer (
                id TEXT PRIMARY KEY CHECK (length(trim(id)) > 0),
                name TEXT NOT NULL CHECK (length(trim(name)) > 0),
                deliveryAddress TEXT NOT NULL,
                contactEmail TEXT NOT NULL
            );

            CREATE TABLE wearer (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                name TEXT NOT NULL CHECK (length(trim(name)) > 0),
                -- AES-GCM nonce (12) + 10 digits + tag (16); never the digits in clear.
                nationalIDSealed BLOB NOT NULL CHECK (typeof(nationalIDSealed) = 'blob' AND length(nationalIDSealed) = 38),
                nationalIDLookup BLOB NOT NULL CHECK (typeof(nationalIDLookup) = 'blob' AND length(nationalIDLookup) = 32),
                UNIQUE (customerID, nationalIDLookup)
            );
            CREATE INDEX wearer_lookup ON wearer(nationalIDLookup);

            CREATE TABLE enrolment (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                number TEXT NOT NULL UNIQUE CHECK (number GLOB 'TILM-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
                wearerID INTEGER NOT NULL REFERENCES wearer(id) ON DELETE RESTRICT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                dosimeterType TEXT NOT NULL CHECK (dosimeterType IN (\(types))),
                periodLength TEXT NOT NULL CHECK (periodLength IN (\(lengths))),
                startDate TEXT NOT NULL,
                endDate TEXT,
                orderedOn TEXT NOT NULL,
                handedOverFromIssueID INTEGER REFERENCES cardIssue(id),
                CHECK (endDate IS NULL OR endDate >= startDate),
                -- DOMAIN.md §1: the period lengths offered per type.
                CHECK (CASE dosimeterType
                    WHEN 'finger' THEN periodLength IN ('twoWeeks', 'oneMonth')
                    WHEN 'shoulder' THEN periodLength = 'oneMonth'
                    ELSE periodLength IN ('oneMonth', 'threeMonths') END)
            );
            CREATE INDEX enrolment_customer ON enrolment(customerID);

            CREATE TABLE cardTransition (
                fromState TEXT NOT NULL,
                toState TEXT NOT NULL,
                PRIMARY KEY (fromState, toState)
            );

            CREATE TABLE card (
                id TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
                dosimeterType TEXT NOT NULL CHECK (dosimeterType IN (\(types))),
                elementCount INTEGER NOT NULL CHECK (elementCount BETWEEN 1 AND 4),
                state TEXT NOT NULL CHECK (state IN (\(states))),
                stateChangedAt DATETIME NOT NULL,
                lastBatchID INTEGER REFERENCES readoutBatch(id),
                currentIssueID INTEGER REFERENCES cardIssue(id)
            );
            CREATE INDEX card_state ON card(state);

            CREATE TABLE cardElement (
                cardID TEXT NOT NULL REFERENCES card(id) ON DELETE RESTRICT,
                element INTEGER NOT NULL CHECK (element BETWEEN 1 AND 4),
                zeroedAt DATETIME,
                PRIMARY KEY (cardID, element)
            );

            CREATE TABLE shipment (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                dispatchedOn TEXT NOT NULL,
                createdAt DATETIME NOT NULL
            );

            CREATE TABLE customerReturn (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                arrivedOn TEXT NOT NULL,
                openedAt DATETIME NOT NULL,
                closedAt DATETIME
            );

            CREATE TABLE returnScan (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                returnID INTEGER NOT NULL REFERENCES customerReturn(id) ON DELETE RESTRICT,
                scannedCode TEXT NOT NULL,
                outcome TEXT NOT NULL,
                message TEXT NOT NULL,
                scannedAt DATETIME NOT NULL
            );
            CREATE INDEX returnScan_return ON returnScan(returnID);

            CREATE TABLE cardIssue (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                cardID TEXT NOT NULL REFERENCES card(id) ON DELETE RESTRICT,
                enrolmentID INTEGER NOT NULL REFERENCES enrolment(id) ON DELETE RESTRICT,
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                periodStart TEXT NOT NULL,
                periodEnd TEXT NOT NULL CHECK (periodEnd >= periodStart),
                issuedAt DATETIME NOT NULL,
                shipmentID INTEGER REFERENCES shipment(id),
                returnID INTEGER REFERENCES customerReturn(id),
                arrivedOn TEXT,
                handedOverToName TEXT,
                batchID INTEGER REFERENCES readoutBatch(id),
                CHECK ((returnID IS NULL) = (arrivedOn IS NULL)),
                UNIQUE (enrolmentID, periodStart)
            );
            -- A card is out with at most one wearer at a time.
            CREATE UNIQUE INDEX cardIssue_oneOpenPerCard ON cardIssue(cardID) WHERE returnID IS NULL;
            CREATE INDEX cardIssue_customer ON cardIssue(customerID, periodEnd);
            CREATE INDEX cardIssue_return ON cardIssue(returnID);
            CREATE INDEX cardIssue_shipment ON cardIssue(shipmentID);

            CREATE TABLE cardPrice (
                dosimeterType TEXT NOT NULL CHECK (dosimeterType IN (\(types))),
                validFrom TEXT NOT NULL,
                priceMinorUnits INTEGER NOT NULL CHECK (priceMinorUnits >= 0),
                currency TEXT NOT NULL,
                PRIMARY KEY (dosimeterType, validFrom)
            );

            CREATE TABLE cardInspection (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                cardID TEXT NOT NULL REFERENCES card(id) ON DELETE RESTRICT,
                issueID INTEGER REFERENCES cardIssue(id),
                stage TEXT NOT NULL CHECK (stage IN ('arrival', 'beforeReissue')),
                outcome TEXT NOT NULL CHECK (outcome IN ('fit', 'manualQA', 'retire')),
                damages TEXT NOT NULL CHECK (json_valid(damages) AND json_type(damages) = 'array'),
                remark TEXT NOT NULL,
                inspectedBy TEXT NOT NULL CHECK (length(trim(inspectedBy)) > 0),
                inspectedAt DATETIME NOT NULL,
                -- Readout with manual QA carries a remark on the result line.
                CHECK (outcome != 'manualQA' OR length(trim(remark)) > 0)
            );
            CREATE INDEX cardInspection_card ON cardInspection(cardID);

            CREATE TABLE annealRecord (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                method TEXT NOT NULL CHECK (method IN ('reader', 'oven')),
                profile TEXT NOT NULL CHECK (length(trim(profile)) > 0),
                startedAt DATETIME NOT NULL,
                endedAt DATETIME NOT NULL CHECK (endedAt >= startedAt)
            );

            CREATE TABLE annealCheck (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                annealID INTEGER NOT NULL REFERENCES annealRecord(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL REFERENCES card(id) ON DELETE RESTRICT,
                residualHp10MilliSievert REAL NOT NULL,
                backgroundLevelMilliSievert REAL NOT NULL CHECK (backgroundLevelMilliSievert > 0),
                passed INTEGER NOT NULL CHECK (passed = (residualHp10MilliSievert <= backgroundLevelMilliSievert)),
                checkedAt DATETIME NOT NULL
            );
            CREATE INDEX annealCheck_card ON annealCheck(cardID);

            CREATE TABLE doseAudit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                doseID INTEGER NOT NULL REFERENCES doseResult(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL,
                version INTEGER NOT NULL,
                action TEXT NOT NULL CHECK (action IN ('evaluated', 'accepted', 'corrected', 'rejected', 'stateChanged')),
                state TEXT NOT NULL CHECK (state IN ('evaluated', 'needsReview', 'released')),
                who TEXT NOT NULL CHECK (length(trim(who)) > 0),
                why TEXT NOT NULL CHECK (length(trim(why)) > 0),
                at DATETIME NOT NULL
            );
            CREATE INDEX doseAudit_dose ON doseAudit(doseID);
            CREATE INDEX doseAudit_card ON doseAudit(cardID);
            """)
        for (from, to) in CardState.allowedMoves {
            try db.execute(sql: "INSERT INTO cardTransition (fromState, toState) VALUES (?, ?)",
                           arguments: [from.rawValue, to.rawValue])
        }
        for table in ["returnScan", "cardInspection", "annealCheck", "doseAudit", "annealRecord"] {
            try db.execute(sql: """
                CREATE TRIGGER \(table)_noUpdate BEFORE UPDATE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) rows are append-only'); END;
                CREATE TRIGGER \(table)_noDelete BEFORE DELETE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) rows are never deleted'); END;
                """)
        }
        // The card cycle's interlocks (CardState).
        try db.execute(sql: """
            CREATE TRIGGER card_allowedMove BEFORE UPDATE OF state ON card
            WHEN NEW.state IS NOT OLD.state
                AND NOT EXISTS (SELECT 1 FROM cardTransition WHERE fromState = OLD.state AND toState = NEW.state)
            BEGIN SELECT RAISE(ABORT, 'card state move not allowed'); END;

            CREATE TRIGGER card_releaseNeedsReleasedDose BEFORE UPDATE OF state ON card
            WHEN NEW.state = 'released' AND OLD.state IS NOT 'released' AND NOT \(releasedDose)
            BEGIN SELECT RAISE(ABORT, 'card has no released dose'); END;

            CREATE TRIGGER card_annealNeedsPassedCheck BEFORE UPDATE OF state ON card
            WHEN NEW.state = 'annealed' AND OLD.state IS NOT 'annealed' AND NOT EXISTS (
                SELECT 1 FROM annealCheck c WHERE c.cardID = NEW.id AND c.passed = 1
                AND c.checkedAt >= (SELECT b.createdAt FROM readoutBatch b WHERE b.id = NEW.lastBatchID))
            BEGIN SELECT RAISE(ABORT, 'card has no passed anneal check since its readout'); END;

            CREATE TRIGGER card_zeroNeedsReleasedDose BEFORE UPDATE OF state ON card
            WHEN NEW.state = 'zeroed' AND OLD.state IS NOT 'zeroed' AND NOT \(releasedDose)
            BEGIN SELECT RAISE(ABORT, 'card cannot be zeroed before its dose is released'); END;

            CREATE TRIGGER card_availableNeedsInspection BEFORE UPDATE OF state ON card
            WHEN NEW.state = 'available' AND OLD.state IS NOT 'available' AND NOT EXISTS (
                SELECT 1 FROM cardInspection i WHERE i.cardID = NEW.id AND i.stage = 'beforeReissue'
                AND i.outcome = 'fit' AND i.inspectedAt >= OLD.stateChangedAt)
            BEGIN SELECT RAISE(ABORT, 'card has not passed inspection since zeroing'); END;

            CREATE TRIGGER cardElement_zeroNeedsZeroedCard BEFORE UPDATE OF zeroedAt ON cardElement
            WHEN NEW.zeroedAt IS NOT OLD.zeroedAt
                AND (SELECT state FROM card WHERE id = NEW.cardID) IS NOT 'zeroed'
            BEGIN SELECT RAISE(ABORT, 'elements are zeroed only on a zeroed card'); END;

            CREATE TRIGGER cardIssue_needsAvailableCard BEFORE INSERT ON cardIssue
            WHEN (SELECT state FROM card WHERE id = NEW.cardID) IS NOT 'available'
            BEGIN SELECT RAISE(ABORT, 'only an available (zeroed, inspected) card can be issued'); END;

            CREATE TRIGGER cardIssue_noDelete BEFORE DELETE ON cardIssue
            BEGIN SELECT RAISE(ABORT, 'issues are never deleted'); END;
            """)
    }
}
