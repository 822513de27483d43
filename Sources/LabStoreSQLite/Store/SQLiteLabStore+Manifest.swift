import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func saveManifest(_ cards: [BatchCard]) throws(LabStoreError) {
        for c in cards {
            try StoreValidation.finite(c.deliveredHp10MilliSievert, field: "deliveredHp10MilliSievert")
            try StoreValidation.finite(c.deliveredHp007MilliSievert, field: "deliveredHp007MilliSievert")
        }
        try write("save batch manifest", table: BatchCard.databaseTableName) { db in
            // Not INSERT OR IGNORE: that would also swallow CHECK violations.
            for c in cards where try !c.exists(db) { try c.insert(db) }
        }
    }

    public func manifest(batch: ReadoutBatch.ID) throws(LabStoreError) -> [BatchCard] {
        try read("read batch manifest", table: BatchCard.databaseTableName) { db in
            try BatchCard.filter(Column("batchID") == batch).order(Column("cardID")).fetchAll(db)
        }
    }

    public func manifestCard(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> BatchCard? {
        try read("read batch manifest row", table: BatchCard.databaseTableName) { db in
            try BatchCard.filter(Column("batchID") == batch && Column("cardID") == card).fetchOne(db)
        }
    }
}
