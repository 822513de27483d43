import GRDB
import LabStore

/// Migration `v7-evaluation`: evaluation as a resumable step, readings attributed to issues, and the
/// review policy's levels.
/// - `readoutBatch.evaluation`: `pending` until every card has a dose or a recorded reason why not
///   (`cardNotEvaluated`), then `evaluated`; `notForDoses` for anneal background checks.
/// - `batchCard.issueID`, `dosimeterType`, `unexpected`: the issue a reading belongs to (card → issue →
///   enrolment → wearer, period), the card's type (each type its own algorithm), and whether the lab
///   did not expect the card (it goes to review).
/// - `doseReviewReason`: why a dose version went to review (typed codes).
/// - `customerLevels`: review and report levels per customer with valid-from history.
enum EvaluationMigration {
    static let name = "v7-evaluation"

    static func migrate(_ db: Database) throws {
        let evaluationStates = BatchEvaluationState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let notEvaluated = NotEvaluatedReason.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let reviewReasons = ReviewReason.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let types = DosimeterType.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try db.execute(sql: """
            ALTER TABLE readoutBatch ADD COLUMN evaluation TEXT NOT NULL DEFAULT 'pending'
                CHECK (evaluation IN (\(evaluationStates)));
            ALTER TABLE readoutBatch ADD COLUMN evaluatedAt DATETIME;

            ALTER TABLE batchCard ADD COLUMN issueID INTEGER REFERENCES cardIssue(id);
            ALTER TABLE batchCard ADD COLUMN dosimeterType TEXT CHECK (dosimeterType IS NULL OR dosimeterType IN (\(types)));
            ALTER TABLE batchCard ADD COLUMN unexpected INTEGER NOT NULL DEFAULT 0 CHECK (unexpected IN (0, 1));

            CREATE TABLE cardNotEvaluated (
                batchID INTEGER NOT NULL REFERENCES readoutBatch(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL CHECK (length(cardID) BETWEEN 1 AND 64),
                reason TEXT NOT NULL CHECK (reason IN (\(notEvaluated))),
                detail TEXT NOT NULL,
                recordedAt DATETIME NOT NULL,
                PRIMARY KEY (batchID, cardID)
            );

            CREATE TABLE doseReviewReason (
                doseID INTEGER NOT NULL REFERENCES doseResult(id) ON DELETE RESTRICT,
                reason TEXT NOT NULL CHECK (reason IN (\(reviewReasons))),
                detail TEXT NOT NULL,
                PRIMARY KEY (doseID, reason)
            );
            CREATE TRIGGER doseReviewReason_noUpdate BEFORE UPDATE ON doseReviewReason
            BEGIN SELECT RAISE(ABORT, 'doseReviewReason rows are append-only'); END;
            CREATE TRIGGER doseReviewReason_noDelete BEFORE DELETE ON doseReviewReason
            BEGIN SELECT RAISE(ABORT, 'doseReviewReason rows are never deleted'); END;

            CREATE TABLE customerLevels (
                customerID TEXT NOT NULL REFERENCES customer(id) ON DELETE RESTRICT,
                validFrom TEXT NOT NULL,
                reviewMilliSievert REAL NOT NULL CHECK (reviewMilliSievert >= 0 AND reviewMilliSievert <= 10000),
                reportMilliSievert REAL NOT NULL CHECK (reportMilliSievert >= 0 AND reportMilliSievert <= 10000),
                setAt DATETIME NOT NULL,
                PRIMARY KEY (customerID, validFrom)
            );
            CREATE TRIGGER customerLevels_noUpdate BEFORE UPDATE ON customerLevels
            BEGIN SELECT RAISE(ABORT, 'customer levels are history: add a row with a new validFrom'); END;
            CREATE TRIGGER customerLevels_noDelete BEFORE DELETE ON customerLevels
            BEGIN SELECT RAISE(ABORT, 'customer levels are never deleted'); END;

            -- A dose released is only ever one of an evaluated batch: the evaluation state cannot go back.
            CREATE TRIGGER readoutBatch_evaluationForward BEFORE UPDATE OF evaluation ON readoutBatch
            WHEN OLD.evaluation = 'notForDoses' AND NEW.evaluation IS NOT 'notForDoses'
            BEGIN SELECT RAISE(ABORT, 'a batch not for doses stays so'); END;
            """)
        // Batches of an earlier version: complete ones whose every card with a stored element has a
        // current dose are evaluated; complete ones without any dose whose cards all passed an anneal
        // check after the batch are the anneal background checks. The rest stay pending.
        try db.execute(sql: """
            UPDATE readoutBatch SET evaluation = 'evaluated', evaluatedAt = finishedAt
            WHERE state = 'complete' AND EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = readoutBatch.id)
              AND NOT EXISTS (
                SELECT 1 FROM elementReading r WHERE r.batchID = readoutBatch.id AND r.status = 'stored'
                AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = r.batchID AND d.cardID = r.cardID AND d.supersededAt IS NULL));
            UPDATE readoutBatch SET evaluation = 'notForDoses'
            WHERE state = 'complete' AND evaluation = 'pending'
              AND NOT EXISTS (SELECT 1 FROM doseResult d WHERE d.batchID = readoutBatch.id)
              AND EXISTS (SELECT 1 FROM elementReading r WHERE r.batchID = readoutBatch.id)
              AND NOT EXISTS (
                SELECT 1 FROM elementReading r WHERE r.batchID = readoutBatch.id AND NOT EXISTS (
                    SELECT 1 FROM annealCheck c WHERE c.cardID = r.cardID AND c.checkedAt >= readoutBatch.createdAt));
            """)
    }
}
