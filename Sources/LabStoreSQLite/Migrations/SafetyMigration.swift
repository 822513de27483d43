import GRDB
import LabStore

/// Migration `v8-safety`: the national-ID key check value.
///
/// One row at most: the HMAC of a fixed label under the lab's national-ID key
/// (``NationalIDProtector/keyCheckValue``), stored when the key first seals an ID. A command that
/// needs the key compares it before sealing or looking up anything, so a key from another lab or an
/// old backup is refused instead of sealing new IDs that no one can match with the old ones. The row
/// changes only when the key is rotated (in the same transaction that re-seals every ID).
enum SafetyMigration {
    static let name = "v8-safety"

    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE nationalIDKeyCheck (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                checkValue BLOB NOT NULL CHECK (typeof(checkValue) = 'blob' AND length(checkValue) = 32),
                storedAt DATETIME NOT NULL
            );
            CREATE TRIGGER nationalIDKeyCheck_noDelete BEFORE DELETE ON nationalIDKeyCheck
            BEGIN SELECT RAISE(ABORT, 'the national-ID key check value is never deleted'); END;
            """)
    }
}
