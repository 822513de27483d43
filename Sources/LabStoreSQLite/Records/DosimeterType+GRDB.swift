import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of DosimeterType: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
extension DosimeterType: DatabaseValueConvertible {}

extension PeriodLength: DatabaseValueConvertible {}
