/// What a manifest says about a backup made by a server database's own dump tool (PostgreSQL's
/// `pg_dump --format=custom`) rather than SQLite's backup API: which backend, which schema, which
/// server and tool versions. `tld restore` reads it to refuse a dump given a file (and a SQLite
/// backup given a server), and to restore into the same schema (`pg_restore` cannot rename one).
public struct BackupDump: Codable, Sendable, Equatable {
    /// The backend's name in messages ("PostgreSQL").
    public var backend: String
    /// The schema that holds the lab's tables (`public` unless the URL names one).
    public var schema: String
    /// The server's version (`SHOW server_version`).
    public var serverVersion: String
    /// The dump tool's own version line (`pg_dump --version`).
    public var tool: String

    public init(backend: String, schema: String, serverVersion: String, tool: String) {
        self.backend = backend
        self.schema = schema
        self.serverVersion = serverVersion
        self.tool = tool
    }
}
