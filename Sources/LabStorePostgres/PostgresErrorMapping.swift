import LabStore
import PostgresNIO

/// PostgreSQL's errors as the store contract's ``LabStoreError``, by SQLSTATE
/// (https://www.postgresql.org/docs/current/errcodes-appendix.html): the same families the SQLite
/// backend reports, so callers never see which backend failed. A prepared statement
/// (``PostgresPreparedStatements``) fails with postgres-nio's older `PostgresError`, which carries
/// the same server fields.
enum PostgresErrorMapping {
    static func sqlState(_ error: any Error) -> String? {
        if case let .server(message)? = error as? PostgresError { return message.fields[.sqlState] }
        return (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func constraint(_ error: any Error) -> String? {
        if case let .server(message)? = error as? PostgresError { return message.fields[.constraintName] }
        return (error as? PSQLError)?.serverInfo?[.constraintName]
    }

    /// The server's own message, else a short description (never the query's bound values).
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        if let legacy = error as? PostgresError {
            switch legacy {
            case let .server(message): return message.fields[.message] ?? "server error"
            case let .protocol(text): return "protocol error: \(text)"
            case .connectionClosed: return "connection closed"
            }
        }
        return "\(error)"
    }

    /// Whether the connection is gone (server stopped or restarted, network cut): the next call
    /// opens a new one.
    static func isConnectionLost(_ error: any Error) -> Bool {
        if let psql = error as? PSQLError {
            switch psql.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: return true
            default: break
            }
        }
        switch error as? PostgresError {
        // PSQLError's serverClosedConnection/clientClosedConnection and uncleanShutdown, as postgres-nio's
        // older API (a prepared statement's execution) reports them.
        case .connectionClosed?: return true
        case let .protocol(text)? where text == "Unexpected connection close": return true
        default: break
        }
        if let state = sqlState(error) {
            // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, class 08 connection exceptions.
            return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
        }
        return error is ChannelError || error is IOError
    }

    static func map(_ error: any Error, operation: String) -> LabStoreError {
        if let error = error as? LabStoreError { return error }
        if isConnectionLost(error) {
            // Temporary: the database went away; the caller may try again (sysexits 75).
            return .databaseUnreachable(operation: operation, reason: "PostgreSQL connection lost: \(reason(error))")
        }
        switch sqlState(error) {
        case "P0001":  // raise_exception: an interlock trigger refused the change
            return .immutableRow(message: reason(error))
        case "40001", "40P01", "55P03", "57014":  // serialization failure, deadlock, lock not available, timeout
            return .databaseBusy(operation: operation)
        case let state? where state.hasPrefix("23"):  // integrity constraint violations
            return .constraintViolation(operation: operation, message: reason(error))
        case "53100":  // disk_full
            return .storage(operation: operation, failure: .full, message: reason(error))
        case let state? where state.hasPrefix("58"):  // system error (I/O, undefined file)
            return .storage(operation: operation, failure: .io, message: reason(error))
        case "42501", "25006":  // insufficient_privilege, read_only_sql_transaction
            return .storage(operation: operation, failure: .permission, message: reason(error))
        default:
            return .unexpected(operation: operation, message: reason(error))
        }
    }
}

/// Decoding a row into a record failed: the row breaks the schema's promises.
struct PostgresRowError: Error, CustomStringConvertible {
    let table: String
    let reason: String
    var description: String { "\(table): \(reason)" }
}
