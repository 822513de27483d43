import Foundation
import LabStore
import PostgresNIO

/// The append-only calibration history on PostgreSQL (the SQLite twin: SQLiteLabStore+Calibrations.swift).
extension PostgresLabStore {
    static let calibrationColumns = "id, kind, subject, value, unit, validFrom, source, createdAt"

    public func saveCalibration(_ record: CalibrationRecord) throws(LabStoreError) -> CalibrationRecord {
        try StoreValidation.finite(record.value, field: "calibration value")
        let createdAt = storedTime(now())
        return try transaction("save calibration") { session -> CalibrationRecord in
            var b = PostgresBindings()
            b.append(record.kind.rawValue); b.append(record.subject); b.append(record.value); b.append(record.unit)
            b.append(storedTime(record.validFrom)); b.append(record.source); b.append(createdAt)
            guard let row = try session.query("""
                INSERT INTO calibrationRecord (kind, subject, value, unit, validFrom, source, createdAt)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING \(Self.calibrationColumns)
                """, b).first else { throw LabStoreError.unexpected(operation: "save calibration", message: "no row returned") }
            return try Self.decodeCalibration(row)
        }
    }

    public func calibrations(kind: CalibrationKind, subject: String) throws(LabStoreError) -> [CalibrationRecord] {
        try withSession("read calibrations") { session in
            var b = PostgresBindings()
            b.append(kind.rawValue); b.append(subject)
            return try session.query("""
                SELECT \(Self.calibrationColumns) FROM calibrationRecord WHERE kind = $1 AND subject = $2
                ORDER BY validFrom, createdAt, id
                """, b).map(Self.decodeCalibration)
        }
    }

    public func calibration(kind: CalibrationKind, subject: String, at date: Date) throws(LabStoreError) -> CalibrationRecord? {
        try withSession("read calibration in force") { session in
            var b = PostgresBindings()
            // The stored precision (ms), so "in force at" compares as on SQLite.
            b.append(kind.rawValue); b.append(subject); b.append(storedTime(date))
            return try session.query("""
                SELECT \(Self.calibrationColumns) FROM calibrationRecord WHERE kind = $1 AND subject = $2 AND validFrom <= $3
                ORDER BY validFrom DESC, createdAt DESC, id DESC LIMIT 1
                """, b).first.map(Self.decodeCalibration)
        }
    }

    static func decodeCalibration(_ row: PostgresRow) throws -> CalibrationRecord {
        let (id, kind, subject, value, unit, validFrom, source, createdAt) =
            try row.decode((Int64, String, String, Double, String, Date, String, Date).self)
        return CalibrationRecord(
            id: CalibrationRecord.ID(rawValue: id), kind: CalibrationKind(rawValue: kind), subject: subject, value: value,
            unit: unit, validFrom: validFrom, source: source, createdAt: createdAt)
    }
}
