import GRDB
import LabStore

/// Migration `v2-batch-manifest`: what the lab knows of each card in a batch before it is read —
/// its role (worker, calibration, control), when it was last annealed, and for calibration
/// dosimeters the dose delivered to it. The dose algorithm needs these; storing them with the batch
/// makes a resumed or re-evaluated batch use exactly the same inputs.
enum BatchManifestMigration {
    static let name = "v2-batch-manifest"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE batchCard (
                batchID INTEGER NOT NULL REFERENCES readoutBatch(id) ON DELETE RESTRICT,
                cardID TEXT NOT NULL CHECK (length(cardID) BETWEEN 1 AND 64),
                role TEXT NOT NULL CHECK (role IN ('worker', 'calibration', 'control')),
                annealedAt DATETIME,
                deliveredHp10MilliSievert REAL,
                deliveredHp007MilliSievert REAL,
                referenceField TEXT,
                PRIMARY KEY (batchID, cardID),
                CHECK (role != 'calibration' OR (coalesce(deliveredHp10MilliSievert, 0) > 0 AND coalesce(deliveredHp007MilliSievert, 0) > 0))
            );
            CREATE TRIGGER batchCard_noUpdate BEFORE UPDATE ON batchCard
            BEGIN SELECT RAISE(ABORT, 'batch manifest rows are immutable'); END;
            """)
    }
}
