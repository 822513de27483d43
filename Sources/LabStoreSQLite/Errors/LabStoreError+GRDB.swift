import GRDB
import LabStore

extension LabStoreError {
    /// Turns whatever a GRDB access threw into a ``LabStoreError``, naming the operation.
    ///
    /// Matches SQLite errors by result-code family (GRDB README, "DatabaseError"): the trigger
    /// refinement of SQLITE_CONSTRAINT first, then any constraint, then SQLITE_BUSY/SQLITE_LOCKED.
    static func wrapping(_ error: any Error, operation: String, table: String = "") -> LabStoreError {
        switch error {
        case let error as LabStoreError:
            return error
        case let error as DatabaseError:
            let message = error.message ?? "\(error.resultCode)"
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_TRIGGER:
                return .immutableRow(message: message)
            default:
                break
            }
            switch error.resultCode {
            case .SQLITE_CONSTRAINT:
                return .constraintViolation(operation: operation, message: message)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .databaseBusy(operation: operation)
            default:
                return .database(operation: operation, resultCode: error.resultCode.rawValue, message: message)
            }
        case let error as BlobDecodingError:
            return .corruptRow(table: table, reason: error.description)
        case let error as RowDecodingError:
            return .corruptRow(table: table, reason: "\(error)")
        default:
            return .unexpected(operation: operation, message: "\(error)")
        }
    }
}
