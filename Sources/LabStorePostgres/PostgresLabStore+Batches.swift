import Foundation
import LabStore
import PostgresNIO

/// Readout batches and reader QC on PostgreSQL (the SQLite twin: SQLiteLabStore+Batches.swift).
extension PostgresLabStore {
    static let batchColumns = """
        id, groupID, createdAt, readerModel, readerSerial, readerFirmware, elementsPerCard,
        timeTemperatureProfile::text, source, state, finishedAt
        """

    public func openBatch(
        groupID: String, reader: ReaderIdentity, elementsPerCard: Int,
        timeTemperatureProfile: TimeTemperatureProfile, source: String
    ) throws(LabStoreError) -> ReadoutBatch {
        try StoreValidation.groupID(groupID)
        try StoreValidation.elementsPerCard(elementsPerCard)
        let profile: String
        do {
            profile = String(decoding: try JSONEncoder().encode(timeTemperatureProfile), as: UTF8.self)
        } catch {
            throw LabStoreError.invalidRecord("time-temperature profile: \(error)")
        }
        let createdAt = storedTime(now())
        let batch = try withSession("open batch") { session -> ReadoutBatch in
            var b = PostgresBindings()
            b.append(groupID); b.append(createdAt); b.append(reader.model); b.append(reader.serial)
            b.append(reader.firmware); b.append(elementsPerCard); b.append(profile); b.append(source)
            // ON CONFLICT on the partial unique index: a second bench opening a batch for the same
            // source at the same moment gets no row instead of a constraint error.
            let rows = try session.query("""
                INSERT INTO readoutBatch (groupID, createdAt, readerModel, readerSerial, readerFirmware,
                                          elementsPerCard, timeTemperatureProfile, source, state)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, 'open')
                ON CONFLICT (source) WHERE state = 'open' DO NOTHING
                RETURNING \(Self.batchColumns)
                """, b)
            if let row = rows.first { return try Self.decodeBatch(row) }
            var s = PostgresBindings()
            s.append(source)
            guard let existing = try session.query("SELECT id FROM readoutBatch WHERE source = $1 AND state = 'open'", s).first else {
                throw LabStoreError.unexpected(operation: "open batch", message: "no row inserted and no open batch for \(source)")
            }
            throw LabStoreError.batchAlreadyOpen(source: source, existing: ReadoutBatch.ID(rawValue: try existing.decode(Int64.self)))
        }
        logger.info("opened readout batch", metadata: [
            "batch": "\(batch.id.map(\.description) ?? "?")", "group": "\(groupID)", "source": "\(source)",
        ])
        return batch
    }

    public func findOpenBatch(source: String) throws(LabStoreError) -> ReadoutBatch? {
        try withSession("find open batch") { session in
            var b = PostgresBindings()
            b.append(source)
            return try session.query("SELECT \(Self.batchColumns) FROM readoutBatch WHERE source = $1 AND state = 'open'", b)
                .first.map(Self.decodeBatch)
        }
    }

    public func batch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch? {
        try withSession("read batch") { session in
            try Self.batch(id, in: session)
        }
    }

    public func batches() throws(LabStoreError) -> [ReadoutBatch] {
        try withSession("list batches") { session in
            try session.query("SELECT \(Self.batchColumns) FROM readoutBatch ORDER BY id").map(Self.decodeBatch)
        }
    }

    public func finishBatch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch {
        let finishedAt = storedTime(now())
        let batch = try transaction("finish batch") { session -> ReadoutBatch in
            var b = PostgresBindings()
            b.append(id.rawValue)
            // FOR UPDATE: waits for a curve being stored into the batch (its FOR SHARE) to commit.
            guard let current = try session.query("SELECT \(Self.batchColumns) FROM readoutBatch WHERE id = $1 FOR UPDATE", b)
                .first.map(Self.decodeBatch) else { throw LabStoreError.batchNotFound(id) }
            guard current.state == .open else { return current }
            var u = PostgresBindings()
            u.append(finishedAt); u.append(id.rawValue)
            guard let row = try session.query(
                "UPDATE readoutBatch SET state = 'complete', finishedAt = $1 WHERE id = $2 RETURNING \(Self.batchColumns)", u).first
            else { throw LabStoreError.batchNotFound(id) }
            return try Self.decodeBatch(row)
        }
        logger.info("finished readout batch", metadata: ["batch": "\(id)"])
        return batch
    }

    public func saveReaderQC(_ qc: ReaderQCRecord) throws(LabStoreError) -> ReaderQCRecord {
        try transaction("save reader QC") { session -> ReaderQCRecord in
            let batch = try Self.existingBatch(qc.batchID, in: session, lock: "FOR SHARE")
            guard batch.state == .open else { throw LabStoreError.batchNotOpen(qc.batchID) }
            var b = PostgresBindings()
            b.append(qc.batchID.rawValue); b.append(storedTime(qc.takenAt)); b.append(Int64(qc.pmtDarkCountsPerSecond))
            b.append(Int64(qc.referenceLightCounts)); b.append(Int32(qc.highVoltageVolts)); b.append(qc.heaterDeciCelsius)
            guard let row = try session.query("""
                INSERT INTO readerQC (batchID, takenAt, pmtDarkCountsPerSecond, referenceLightCounts, highVoltageVolts, heaterDeciCelsius)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING \(Self.qcColumns)
                """, b).first else { throw LabStoreError.unexpected(operation: "save reader QC", message: "no row returned") }
            return try Self.decodeQC(row)
        }
    }

    public func readerQC(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ReaderQCRecord] {
        try withSession("read reader QC") { session in
            var b = PostgresBindings()
            b.append(batch.rawValue)
            return try session.query("SELECT \(Self.qcColumns) FROM readerQC WHERE batchID = $1 ORDER BY takenAt, id", b)
                .map(Self.decodeQC)
        }
    }

    // MARK: Rows

    static let qcColumns = "id, batchID, takenAt, pmtDarkCountsPerSecond, referenceLightCounts, highVoltageVolts, heaterDeciCelsius"

    static func batch(_ id: ReadoutBatch.ID, in session: PostgresSession, lock: String = "") throws -> ReadoutBatch? {
        var b = PostgresBindings()
        b.append(id.rawValue)
        return try session.query("SELECT \(batchColumns) FROM readoutBatch WHERE id = $1 \(lock)", b).first.map(decodeBatch)
    }

    static func existingBatch(_ id: ReadoutBatch.ID, in session: PostgresSession, lock: String = "") throws -> ReadoutBatch {
        guard let batch = try batch(id, in: session, lock: lock) else { throw LabStoreError.batchNotFound(id) }
        return batch
    }

    static func decodeBatch(_ row: PostgresRow) throws -> ReadoutBatch {
        let (id, groupID, createdAt, model, serial, firmware, elements, profileJSON, source, state, finishedAt) = try row.decode(
            (Int64, String, Date, String, String, String, Int, String, String, String, Date?).self)
        guard let state = ReadoutBatch.State(rawValue: state) else {
            throw LabStoreError.corruptRow(table: "readoutBatch", reason: "unknown state \(state)")
        }
        let profile: TimeTemperatureProfile
        do {
            profile = try JSONDecoder().decode(TimeTemperatureProfile.self, from: Data(profileJSON.utf8))
        } catch {
            throw LabStoreError.corruptRow(table: "readoutBatch", reason: "time-temperature profile: \(error)")
        }
        return ReadoutBatch(
            id: ReadoutBatch.ID(rawValue: id), groupID: groupID, createdAt: createdAt,
            reader: ReaderIdentity(model: model, serial: serial, firmware: firmware), elementsPerCard: elements,
            timeTemperatureProfile: profile, source: source, state: state, finishedAt: finishedAt)
    }

    static func decodeQC(_ row: PostgresRow) throws -> ReaderQCRecord {
        let (id, batchID, takenAt, dark, reference, volts, heater) = try row.decode((Int64, Int64, Date, Int64, Int64, Int32, Int16).self)
        guard let dark = UInt32(exactly: dark), let reference = UInt32(exactly: reference), let volts = UInt16(exactly: volts) else {
            throw LabStoreError.corruptRow(table: "readerQC", reason: "a value out of its range")
        }
        return ReaderQCRecord(
            id: ReaderQCRecord.ID(rawValue: id), batchID: ReadoutBatch.ID(rawValue: batchID), takenAt: takenAt,
            pmtDarkCountsPerSecond: dark, referenceLightCounts: reference, highVoltageVolts: volts, heaterDeciCelsius: heater)
    }
}
