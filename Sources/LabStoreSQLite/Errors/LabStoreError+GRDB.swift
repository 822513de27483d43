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
                return .storage(operation: operation, failure: storageFailure(error.resultCode), message: message)
            }
        case let error as BlobDecodingError:
            return .corruptRow(table: table, reason: error.description)
        case let error as RowDecodingError:
            return .corruptRow(table: table, reason: "\(error)")
        default:
            return .unexpected(operation: operation, message: "\(error)")
        }
    }

    /// The kind of an SQLite primary result code (https://www.sqlite.org/rescode.html).
    static func storageFailure(_ code: ResultCode) -> StorageFailure {
        switch code {
        case .SQLITE_IOERR, .SQLITE_PROTOCOL, .SQLITE_CORRUPT, .SQLITE_NOTADB: .io
        case .SQLITE_FULL: .full
        case .SQLITE_CANTOPEN: .cannotOpen
        case .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH: .permission
        default: .other
        }
    }

    /// The SQLite primary result code behind the error, when the family has one (19 SQLITE_CONSTRAINT,
    /// 5 SQLITE_BUSY); for tests and logs of the SQLite backend only.
    public var sqliteResultCode: Int32? {
        switch self {
        case .immutableRow, .constraintViolation: 19
        case .databaseBusy: 5
        default: nil
        }
    }
}
