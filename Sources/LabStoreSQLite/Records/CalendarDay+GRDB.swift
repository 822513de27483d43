import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of CalendarDay: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension CalendarDay: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CalendarDay? {
        String.fromDatabaseValue(dbValue).flatMap { try? CalendarDay(parsing: $0) }
    }
}
