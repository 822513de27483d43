import Foundation
import GRDB
import LabStore

extension SQLiteLabStore {
    public func saveCalibration(_ record: CalibrationRecord) throws(LabStoreError) -> CalibrationRecord {
        try StoreValidation.finite(record.value, field: "calibration value")
        let createdAt = now()
        return try write("save calibration", table: CalibrationRecord.databaseTableName) { db in
            var row = record
            row.id = nil
            row.createdAt = createdAt
            try row.insert(db)
            return try Self.refetch(CalibrationRecord.self, id: row.id, in: db)
        }
    }

    public func calibrations(
        kind: CalibrationKind, subject: String
    ) throws(LabStoreError) -> [CalibrationRecord] {
        try read("read calibrations", table: CalibrationRecord.databaseTableName) { db in
            try CalibrationRecord
                .filter(CalibrationRecord.Columns.kind == kind && CalibrationRecord.Columns.subject == subject)
                .order(CalibrationRecord.Columns.validFrom, CalibrationRecord.Columns.createdAt,
                       CalibrationRecord.Columns.id)
                .fetchAll(db)
        }
    }

    public func calibration(
        kind: CalibrationKind, subject: String, at date: Date
    ) throws(LabStoreError) -> CalibrationRecord? {
        try read("read calibration in force", table: CalibrationRecord.databaseTableName) { db in
            try CalibrationRecord
                .filter(CalibrationRecord.Columns.kind == kind
                        && CalibrationRecord.Columns.subject == subject
                        && CalibrationRecord.Columns.validFrom <= date)
                .order(CalibrationRecord.Columns.validFrom.desc, CalibrationRecord.Columns.createdAt.desc,
                       CalibrationRecord.Columns.id.desc)
                .fetchOne(db)
        }
    }
}
