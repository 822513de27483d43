import GRDB
import LabStore

/// Migration `v1-readout`: readout batches, reader QC, element readings, dose results and
/// calibration history — the walking skeleton. Shipped: never edit, add a new migration instead.
enum ReadoutSkeletonMigration {
    static let name = "v1-readout"

    static func migrate(_ db: Database) throws {
        // Dates are GRDB's text format "yyyy-MM-dd HH:mm:ss.SSS" (UTC).
        try db.execute(sql: """
            CREATE TABLE readoutBatch (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                groupID TEXT NOT NULL CHECK (length(groupID) BETWEEN 1 AND 16),
                createdAt DATETIME NOT NULL,
                readerModel TEXT NOT NULL,
                readerSerial TEXT NOT NULL,
                readerFirmware TEXT NOT NULL,
                elementsPerCard INTEGER NOT NULL CHECK (elementsPerCard BETWEEN 1 AND 4),
                timeTemperatureProfile TEXT NOT NULL CHECK (json_valid(timeTemperatureProfile)),
                source TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('open', 'complete')),
                finishedAt DATETIME,
                CHECK ((state = 'open') = (finishedAt IS NULL))
            );
            -- One open batch per source: a reader runs one magazine at a time.
            CREATE UNIQUE INDEX readoutBatch_oneOpenPerSource ON readoutBatch(source) WHERE state = 'open';

            CREATE TABLE readerQC (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                batchID INTEGER NOT NULL REFERENCES readoutBatch(id) ON DELETE RESTRICT,
                takenAt DATETIME NOT NULL,
                pmtDarkCountsPerSecond INTEGER NOT NULL CHECK (pmtDarkCountsPerSecond >= 0),
                referenceLightCounts INTEGER NOT NULL CHECK (referenceLightCounts >= 0),
                highVoltageVolts INTEGER NOT NULL CHECK (highVoltageVolts >= 0),
                heaterDeciCelsius INTEGER NOT NULL
            );
            CREATE INDEX readerQC_batch ON readerQC(batchID);

            CREATE TABLE elementReading (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                batchID INTEGER NOT NULL REFERENCES readoutBatch(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL CHECK (length(cardID) > 0),
                element INTEGER NOT NULL CHECK (element BETWEEN 1 AND 4),
                status TEXT NOT NULL CHECK (status IN ('stored', 'lost', 'absent')),
                lostReason TEXT,
                readAt DATETIME NOT NULL,
                channelCount INTEGER,
                counts BLOB,
                temperatures BLOB,
                channelMicroseconds INTEGER,
                pmtDarkCountsPerSecond INTEGER,
                heaterMaxDeciCelsius INTEGER,
                readerCurveCRC32 INTEGER,
                UNIQUE (batchID, cardID, element),
                -- A stored element has a whole curve; a lost one a reason and no curve; an absent
                -- one neither.
                CHECK (CASE status
                    WHEN 'stored' THEN lostReason IS NULL
                        AND channelCount BETWEEN 1 AND 4096
                        AND typeof(counts) = 'blob' AND length(counts) = 4 * channelCount
                        AND typeof(temperatures) = 'blob' AND length(temperatures) = 2 * channelCount
                        AND channelMicroseconds IS NOT NULL AND pmtDarkCountsPerSecond IS NOT NULL
                        AND heaterMaxDeciCelsius IS NOT NULL AND readerCurveCRC32 IS NOT NULL
                    ELSE channelCount IS NULL AND counts IS NULL AND temperatures IS NULL
                        AND channelMicroseconds IS NULL AND pmtDarkCountsPerSecond IS NULL
                        AND heaterMaxDeciCelsius IS NULL AND readerCurveCRC32 IS NULL
                        AND CASE status
                            WHEN 'lost' THEN length(trim(lostReason)) > 0
                            ELSE lostReason IS NULL
                        END
                END)
            );
            CREATE INDEX elementReading_card ON elementReading(cardID);
            -- The raw reading is the lab's primary record: it is never changed or deleted.
            CREATE TRIGGER elementReading_noUpdate BEFORE UPDATE ON elementReading
            BEGIN
                SELECT RAISE(ABORT, 'element readings are immutable');
            END;
            CREATE TRIGGER elementReading_noDelete BEFORE DELETE ON elementReading
            BEGIN
                SELECT RAISE(ABORT, 'element readings are never deleted');
            END;

            CREATE TABLE doseResult (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                batchID INTEGER NOT NULL REFERENCES readoutBatch(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL CHECK (length(cardID) > 0),
                version INTEGER NOT NULL CHECK (version >= 1),
                hp10MilliSievert REAL,
                hp007MilliSievert REAL,
                detectionLimitMilliSievert REAL,
                flags TEXT NOT NULL CHECK (json_valid(flags) AND json_type(flags) = 'array'),
                remarks TEXT NOT NULL,
                algorithmID TEXT NOT NULL,
                calibrationID TEXT,
                evaluatedAt DATETIME NOT NULL,
                supersededAt DATETIME,
                state TEXT NOT NULL CHECK (state IN ('evaluated', 'needsReview', 'released')),
                UNIQUE (batchID, cardID, version)
            );
            CREATE INDEX doseResult_card ON doseResult(cardID);
            -- Exactly one current version per card and batch.
            CREATE UNIQUE INDEX doseResult_oneCurrent ON doseResult(batchID, cardID)
                WHERE supersededAt IS NULL;
            -- Values never change: a re-evaluation is a new version.
            CREATE TRIGGER doseResult_valuesImmutable BEFORE UPDATE ON doseResult
            WHEN NEW.id IS NOT OLD.id
                OR NEW.batchID IS NOT OLD.batchID
                OR NEW.cardID IS NOT OLD.cardID
                OR NEW.version IS NOT OLD.version
                OR NEW.hp10MilliSievert IS NOT OLD.hp10MilliSievert
                OR NEW.hp007MilliSievert IS NOT OLD.hp007MilliSievert
                OR NEW.detectionLimitMilliSievert IS NOT OLD.detectionLimitMilliSievert
                OR NEW.flags IS NOT OLD.flags
                OR NEW.remarks IS NOT OLD.remarks
                OR NEW.algorithmID IS NOT OLD.algorithmID
                OR NEW.calibrationID IS NOT OLD.calibrationID
                OR NEW.evaluatedAt IS NOT OLD.evaluatedAt
            BEGIN
                SELECT RAISE(ABORT, 'dose values are immutable: add a new version');
            END;
            -- A superseded version is frozen: its supersededAt is set once, its state stays.
            CREATE TRIGGER doseResult_supersededFrozen BEFORE UPDATE ON doseResult
            WHEN OLD.supersededAt IS NOT NULL
                AND (NEW.supersededAt IS NOT OLD.supersededAt OR NEW.state IS NOT OLD.state)
            BEGIN
                SELECT RAISE(ABORT, 'a superseded dose version is immutable');
            END;
            -- A released dose stays released; only supersededAt may be stamped on it, once.
            CREATE TRIGGER doseResult_releasedImmutable BEFORE UPDATE ON doseResult
            WHEN OLD.state = 'released' AND NEW.state IS NOT 'released'
            BEGIN
                SELECT RAISE(ABORT, 'a released dose is immutable');
            END;
            CREATE TRIGGER doseResult_releasedNoDelete BEFORE DELETE ON doseResult
            WHEN OLD.state = 'released'
            BEGIN
                SELECT RAISE(ABORT, 'a released dose is never deleted');
            END;

            CREATE TABLE calibrationRecord (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (length(kind) > 0),
                subject TEXT NOT NULL CHECK (length(subject) > 0),
                value REAL NOT NULL,
                unit TEXT NOT NULL,
                validFrom DATETIME NOT NULL,
                source TEXT NOT NULL,
                createdAt DATETIME NOT NULL
            );
            CREATE INDEX calibrationRecord_subject ON calibrationRecord(kind, subject, validFrom);
            -- The calibration history is append-only.
            CREATE TRIGGER calibrationRecord_noUpdate BEFORE UPDATE ON calibrationRecord
            BEGIN
                SELECT RAISE(ABORT, 'calibration records are immutable: add a new one');
            END;
            CREATE TRIGGER calibrationRecord_noDelete BEFORE DELETE ON calibrationRecord
            BEGIN
                SELECT RAISE(ABORT, 'calibration records are never deleted');
            END;
            """)
    }
}
