import NIOCore
import PostgresNIO

/// The named prepared statements of one connection: a statement on a hot path (the readout's curve,
/// once per element) is parsed, analysed and planned once per connection instead of at every call.
/// Each execution is then Bind + Execute + Sync, one round trip, and the server skips the work that
/// is most of an unnamed INSERT's CPU (measured in Benchmarks/StoreBenchmarks/RESULTS.md).
///
/// A statement's parameter types are what the server infers from the SQL (postgres-nio's
/// `prepare(query:)` sends none), so the SQL casts every parameter to the type its value is sent as
/// (`$1::bigint` for an `Int64`); ``PostgresData/bound(_:)`` sends each value in the same binary
/// form `PostgresBindings` does. The server re-plans a prepared statement by itself when a table it
/// uses changes. Used under the store's lock, with the connection it was made for: a new connection
/// gets a new, empty set.
final class PostgresPreparedStatements {
    private var prepared: [String: PreparedQuery] = [:]

    /// The statement for `sql` on `connection`, prepared on first use.
    func statement(_ sql: String, on connection: PostgresConnection) throws -> PreparedQuery {
        if let statement = prepared[sql] { return statement }
        let statement = try connection.prepare(query: sql).wait()
        prepared[sql] = statement
        return statement
    }
}

extension PostgresData {
    /// `value` as a bound parameter, in the binary form `PostgresBindings.append(_:)` sends it
    /// (nil: NULL of the value's type).
    static func bound<Value: PostgresEncodable>(_ value: Value?) throws -> PostgresData {
        guard let value else { return PostgresData(type: Value.psqlType, value: nil) }
        var buffer = ByteBuffer()
        try value.encode(into: &buffer, context: .default)
        return PostgresData(type: Value.psqlType, formatCode: Value.psqlFormat, value: buffer)
    }
}
