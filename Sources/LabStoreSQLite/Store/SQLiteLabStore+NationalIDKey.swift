import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: NationalIDKeyStore {
    public func nationalIDKeyCheck() throws(LabStoreError) -> Data? {
        try read("read the national-ID key check") { db in
            try Data.fetchOne(db, sql: "SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1")
        }
    }

    public func recordNationalIDKeyCheck(_ value: Data) throws(LabStoreError) -> Data {
        try write("record the national-ID key check", table: "nationalIDKeyCheck") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (1, ?, ?)",
                           arguments: [value, now()])
            return try Data.fetchOne(db, sql: "SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1") ?? value
        }
    }

    public func sealedNationalIDCount() throws(LabStoreError) -> Int {
        try read("count sealed national IDs") { db in try Wearer.fetchCount(db) }
    }

    public func someSealedNationalID() throws(LabStoreError) -> ProtectedNationalID? {
        try read("read a sealed national ID") { db in try Wearer.order(Column("id")).fetchOne(db)?.protectedID }
    }

    public func resealNationalIDs(
        expectedCheck: Data, newCheck: Data, reseal: (ProtectedNationalID) throws -> ProtectedNationalID
    ) throws(LabStoreError) -> Int {
        try write("re-seal national IDs", table: Wearer.databaseTableName) { db in
            let stored = try Data.fetchOne(db, sql: "SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1")
            guard stored == nil || stored == expectedCheck else { throw NationalIDError.wrongKey }
            let rows = try Row.fetchAll(db, sql: "SELECT id, nationalIDSealed, nationalIDLookup FROM wearer ORDER BY id")
            for row in rows {
                let old = ProtectedNationalID(sealed: row["nationalIDSealed"], lookup: row["nationalIDLookup"])
                let new = try reseal(old)
                try db.execute(sql: "UPDATE wearer SET nationalIDSealed = ?, nationalIDLookup = ? WHERE id = ?",
                               arguments: [new.sealed, new.lookup, row["id"] as Int64])
            }
            try db.execute(sql: """
                INSERT INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET checkValue = excluded.checkValue, storedAt = excluded.storedAt
                """, arguments: [newCheck, now()])
            return rows.count
        }
    }
}
