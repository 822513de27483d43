import Foundation
import LabStore
import PostgresNIO

/// The national-ID key's check value and the re-sealing of a key rotation on PostgreSQL (the SQLite
/// twin: SQLiteLabStore+NationalIDKey.swift).
extension PostgresLabStore: NationalIDKeyStore {
    public func nationalIDKeyCheck() throws(LabStoreError) -> Data? {
        try withSession("read the national-ID key check") { session in
            try session.query("SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1").first?.decode(Data.self)
        }
    }

    public func recordNationalIDKeyCheck(_ value: Data) throws(LabStoreError) -> Data {
        let stamp = storedTime(now())
        return try transaction("record the national-ID key check") { session -> Data in
            var b = PostgresBindings()
            try b.append(value); b.append(stamp)
            try session.execute(
                "INSERT INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING", b)
            return try session.query("SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1").first?.decode(Data.self) ?? value
        }
    }

    public func sealedNationalIDCount() throws(LabStoreError) -> Int {
        try withSession("count sealed national IDs") { session in
            try session.query("SELECT count(*) FROM wearer").first?.decode(Int.self) ?? 0
        }
    }

    public func someSealedNationalID() throws(LabStoreError) -> ProtectedNationalID? {
        try withSession("read a sealed national ID") { session in
            try session.query("SELECT nationalIDSealed, nationalIDLookup FROM wearer ORDER BY id LIMIT 1").first.map { row in
                let (sealed, lookup) = try row.decode((Data, Data).self)
                return ProtectedNationalID(sealed: sealed, lookup: lookup)
            }
        }
    }

    public func resealNationalIDs(
        expectedCheck: Data, newCheck: Data, reseal: (ProtectedNationalID) throws -> ProtectedNationalID
    ) throws(LabStoreError) -> Int {
        let stamp = storedTime(now())
        return try transaction("re-seal national IDs") { session -> Int in
            // No wearer is added or changed under the old key while the IDs are re-sealed (on SQLite
            // the single writer gives that); readers go on until the commit.
            try session.execute("LOCK TABLE wearer, nationalIDKeyCheck IN EXCLUSIVE MODE")
            let stored = try session.query("SELECT checkValue FROM nationalIDKeyCheck WHERE id = 1").first?.decode(Data.self)
            guard stored == nil || stored == expectedCheck else { throw NationalIDError.wrongKey }
            let rows = try session.query("SELECT id, nationalIDSealed, nationalIDLookup FROM wearer ORDER BY id")
            var count = 0
            for row in rows {
                let (id, sealed, lookup) = try row.decode((Int64, Data, Data).self)
                let new = try reseal(ProtectedNationalID(sealed: sealed, lookup: lookup))
                var b = PostgresBindings()
                try b.append(new.sealed); try b.append(new.lookup); b.append(id)
                try session.execute("UPDATE wearer SET nationalIDSealed = $1, nationalIDLookup = $2 WHERE id = $3", b)
                count += 1
            }
            var c = PostgresBindings()
            try c.append(newCheck); c.append(stamp)
            try session.execute("""
                INSERT INTO nationalIDKeyCheck (id, checkValue, storedAt) VALUES (1, $1, $2)
                ON CONFLICT (id) DO UPDATE SET checkValue = excluded.checkValue, storedAt = excluded.storedAt
                """, c)
            return count
        }
    }
}
