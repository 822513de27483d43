import Foundation

/// Where a lab's PostgreSQL database is: a `postgres://` (or `postgresql://`) URL in libpq's form
/// (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS):
///
///     postgres://user[:password]@host[:port]/database
///     postgres://user@/database?host=/path/to/socket-directory   (a unix socket, port from ?port= or 5432)
///     postgres://user@host/database?schema=lab2                  (the lab's tables in schema lab2, not public)
///
/// A unix-socket directory holds the socket file `.s.PGSQL.<port>`, as libpq and the server name it.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself (directory + `.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    /// The schema that holds the lab's tables (`search_path`); nil: the server's default (`public`).
    public var schema: String?

    /// Whether `text` names a PostgreSQL database (rather than a SQLite file path).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { "not a usable PostgreSQL URL (postgres://user@host:port/database): \(reason)" }
    }

    public init(endpoint: Endpoint, user: String, password: String? = nil, database: String) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws(Invalid) {
        guard Self.isPostgres(text), let parts = URLComponents(string: text) else {
            throw Invalid(reason: "it must start with postgres:// or postgresql://")
        }
        guard let user = parts.user, !user.isEmpty else { throw Invalid(reason: "no user name (postgres://USER@host/database)") }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(reason: "no database name after the host") }
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, b in b })
        let port: Int
        if let p = parts.port ?? query["port"].flatMap({ Int($0) }) {
            guard (1...65535).contains(p) else { throw Invalid(reason: "port \(p) is not 1–65535") }
            port = p
        } else if let p = query["port"] {
            throw Invalid(reason: "port \"\(p)\" is not a number")
        } else {
            port = 5432
        }
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            endpoint = .unixSocket(path: socketDirectory + "/.s.PGSQL.\(port)")
        } else if let host = parts.host, !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw Invalid(reason: "no host (postgres://user@HOST/database, or ?host=/socket/directory)")
        }
        self.user = user.removingPercentEncoding ?? user
        self.password = parts.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        if let schema = query["schema"] {
            guard PostgresDatabaseAdmin.isValidName(schema) else {
                throw Invalid(reason: "schema \"\(schema)\" is not lower-case letters, digits and _")
            }
            self.schema = schema
        }
    }

    /// The URL without its password: safe for logs and messages.
    public var description: String {
        let schemaQuery = schema.map { "schema=\($0)" }
        switch endpoint {
        case let .tcp(host, port):
            return "postgres://\(user)@\(host):\(port)/\(database)" + (schemaQuery.map { "?" + $0 } ?? "")
        case let .unixSocket(path):
            let directory = (path as NSString).deletingLastPathComponent
            let port = path.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgres://\(user)@/\(database)?host=\(directory)&port=\(port)" + (schemaQuery.map { "&" + $0 } ?? "")
        }
    }
}
