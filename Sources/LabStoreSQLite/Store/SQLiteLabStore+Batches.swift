import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func openBatch(
        groupID: String, reader: ReaderIdentity, elementsPerCard: Int,
        timeTemperatureProfile: TimeTemperatureProfile, source: String
    ) throws(LabStoreError) -> ReadoutBatch {
        try StoreValidation.groupID(groupID)
        try StoreValidation.elementsPerCard(elementsPerCard)
        let createdAt = now()
        let batch = try write("open batch", table: ReadoutBatch.databaseTableName) { db in
            if let existing = try ReadoutBatch.openBatch(source: source, in: db), let existingID = existing.id {
                throw LabStoreError.batchAlreadyOpen(source: source, existing: existingID)
            }
            var batch = ReadoutBatch(
                groupID: groupID, createdAt: createdAt, reader: reader, elementsPerCard: elementsPerCard,
                timeTemperatureProfile: timeTemperatureProfile, source: source)
            try batch.insert(db)
            return try Self.refetch(ReadoutBatch.self, id: batch.id, in: db)
        }
        logger.info("opened readout batch", metadata: [
            "batch": "\(batch.id.map(\.description) ?? "?")", "group": "\(groupID)", "source": "\(source)",
        ])
        return batch
    }

    public func findOpenBatch(source: String) throws(LabStoreError) -> ReadoutBatch? {
        try read("find open batch", table: ReadoutBatch.databaseTableName) { db in
            try ReadoutBatch.openBatch(source: source, in: db)
        }
    }

    public func batch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch? {
        try read("read batch", table: ReadoutBatch.databaseTableName) { db in
            try ReadoutBatch.fetchOne(db, key: id)
        }
    }

    public func batches() throws(LabStoreError) -> [ReadoutBatch] {
        try read("list batches", table: ReadoutBatch.databaseTableName) { db in
            try ReadoutBatch.order(ReadoutBatch.Columns.id).fetchAll(db)
        }
    }

    public func finishBatch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch {
        let finishedAt = now()
        let batch = try write("finish batch", table: ReadoutBatch.databaseTableName) { db in
            let batch = try Self.existingBatch(id, in: db)
            guard batch.state == .open else { return batch }
            try db.execute(
                sql: "UPDATE readoutBatch SET state = ?, finishedAt = ? WHERE id = ?",
                arguments: [ReadoutBatch.State.complete, finishedAt, id])
            return try Self.refetch(ReadoutBatch.self, id: id, in: db)
        }
        logger.info("finished readout batch", metadata: ["batch": "\(id)"])
        return batch
    }

    public func saveReaderQC(_ qc: ReaderQCRecord) throws(LabStoreError) -> ReaderQCRecord {
        try write("save reader QC", table: ReaderQCRecord.databaseTableName) { db in
            let batch = try Self.existingBatch(qc.batchID, in: db)
            guard batch.state == .open else { throw LabStoreError.batchNotOpen(qc.batchID) }
            var record = qc
            record.id = nil
            try record.insert(db)
            return try Self.refetch(ReaderQCRecord.self, id: record.id, in: db)
        }
    }

    public func readerQC(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ReaderQCRecord] {
        try read("read reader QC", table: ReaderQCRecord.databaseTableName) { db in
            try ReaderQCRecord
                .filter(ReaderQCRecord.Columns.batchID == batch)
                .order(ReaderQCRecord.Columns.takenAt, Column("id"))
                .fetchAll(db)
        }
    }
}

extension ReadoutBatch {
    /// The open batch of a source (at most one, by the `readoutBatch_oneOpenPerSource` index).
    static func openBatch(source: String, in db: Database) throws -> ReadoutBatch? {
        try ReadoutBatch
            .filter(Columns.source == source && Columns.state == State.open)
            .fetchOne(db)
    }
}
