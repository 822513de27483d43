import Foundation
import LabStore
import Logging

/// Backups of a lab on PostgreSQL (docs/backup.md, "PostgreSQL"): `pg_dump --format=custom` of the
/// lab's schema, with the same manifest, encryption and retention as the SQLite backups; restore with
/// `pg_restore` into an empty database only; verify a database against a manifest.
///
/// The dump and the manifest describe the same moment: the backup opens one REPEATABLE READ, read-only
/// transaction, exports its snapshot, runs `pg_dump --snapshot=<id>` while that transaction stays open
/// and reads the manifest's counts and checksums in it. Readouts go on writing meanwhile; neither the
/// dump nor the manifest sees them. The national-ID key is never in the dump (it is not in the
/// database; the manifest has only its check value once the ID tables are on PostgreSQL): `tld key
/// backup` copies it, onto another medium.
public enum PostgresBackup {
    public static let backendName = PostgresLabStore.backendName

    /// Backs up the lab at `url` into `folder`.
    ///
    /// - Throws: ``BackupFailure/noInput(_:)`` when the schema holds no lab (no migrations);
    ///   ``BackupFailure/unavailable(_:)`` when pg_dump is not installed; ``BackupFailure/io(_:)``
    ///   when it fails; ``BackupFailure/store(_:)`` when the server cannot be reached.
    public static func backUp(
        url: PostgresURL, into folder: String, passphrase: String?, now: Date, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BackupFailure) -> LabBackup.Made {
        let store = try open(url, logger: logger)
        defer { store.close() }
        let schema = store.labSchema
        let status: PostgresMigrations.Status
        let server: (text: String, major: Int)
        do {
            status = try store.migrationStatus()
            server = try store.serverVersion()
        } catch { throw .store(error) }
        guard !status.applied.isEmpty || !status.unknown.isEmpty else {
            throw .noInput("no lab at \(url): the schema \(schema) has no tld tables (tld_schema_migrations)")
        }
        let pgDump = try PostgresClientTool.find("pg_dump", serverMajor: server.major, environment: environment)
        let dump = BackupDump(backend: backendName, schema: schema, serverVersion: server.text, tool: pgDump.version)
        let connection = connectionArguments(url)
        return try LabBackup.backUpDump(source: url.description, dump: dump, into: folder, passphrase: passphrase, now: now) { path throws(BackupFailure) in
            var toolFailure: BackupFailure?
            do throws(LabStoreError) {
                return try store.withSnapshot("back up the database") { snapshot, session in
                    do throws(BackupFailure) {
                        try pgDump.run(["--format=custom", "--file=\(path)", "--schema=\(schema)", "--snapshot=\(snapshot)"] + connection.arguments,
                                       environment: connection.environment)
                    } catch {
                        toolFailure = error
                        throw error
                    }
                    return try PostgresBackupContent.read(session, schema: schema)
                }
            } catch {
                throw toolFailure ?? .store(error)
            }
        }
    }

    /// Restores the dump `backup` (checked against its manifest) into the lab schema of `url`, which
    /// must be empty (no tables, sequences, functions or types; the schema may exist), then compares
    /// what was restored with the manifest.
    ///
    /// - Throws: ``BackupFailure/cannotCreate(_:)`` for a target that is not empty;
    ///   ``BackupFailure/usage(_:)`` when the URL names another schema than the dump's (pg_restore cannot
    ///   rename one); ``BackupFailure/differences(_:)`` when the restored database differs from the manifest.
    @discardableResult
    public static func restore(
        backup: String, manifest: String?, into url: PostgresURL, passphrase: String?, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(BackupFailure) -> BackupManifest {
        let schema = url.schema ?? "public"
        // The backup and its manifest are checked before the server is asked anything.
        return try LabBackup.restoreDump(backup: backup, manifest: manifest, passphrase: passphrase) { path, manifest throws(BackupFailure) in
            let dumped = manifest.dump?.schema ?? "public"
            guard dumped == schema else {
                throw .usage("\(backup) holds the schema \(dumped) and pg_restore cannot rename a schema: restore into \(schema == "public" ? "?schema=\(dumped)" : "a URL with schema=\(dumped)") (a new database is fine)")
            }
            let store = try open(url, logger: logger)
            defer { store.close() }
            let target: (exists: Bool, objects: Int)
            let server: (text: String, major: Int)
            do throws(LabStoreError) {
                target = try store.schemaObjects(schema)
                server = try store.serverVersion()
            } catch { throw .store(error) }
            guard target.objects == 0 else {
                throw .cannotCreate("\(url) is not empty: the schema \(schema) holds \(target.objects) tables, sequences, functions or types; tld restore only restores into an empty database")
            }
            let dumpMajor = manifest.dump.flatMap { Int($0.serverVersion.prefix(while: \.isNumber)) } ?? 0
            let pgRestore = try PostgresClientTool.find("pg_restore", serverMajor: max(server.major, dumpMajor), environment: environment)
            let connection = connectionArguments(url)
            var arguments = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
            let listFolder = try LabBackup.privateFolder(in: NSTemporaryDirectory())
            defer { try? FileManager.default.removeItem(atPath: listFolder) }
            if target.exists {
                // The schema exists (empty): restore everything but its CREATE SCHEMA (the archive's
                // table of contents without that entry, pg_restore --list / --use-list).
                let list = try pgRestore.run(["--list", path], environment: connection.environment)
                let kept = list.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.contains(" SCHEMA - \(schema) ") }.joined(separator: "\n")
                let listPath = (listFolder as NSString).appendingPathComponent("toc.list")
                guard FileManager.default.createFile(atPath: listPath, contents: Data(kept.utf8)) else {
                    throw .cannotCreate("cannot write \(listPath)")
                }
                arguments.append("--use-list=\(listPath)")
            }
            try pgRestore.run(arguments + connection.arguments + [path], environment: connection.environment)
            do throws(LabStoreError) { return try store.backupContent() } catch { throw .store(error) }
        }
    }

    /// How the lab at `url` differs from `manifest` (empty: identical).
    public static func verify(url: PostgresURL, manifest: BackupManifest, logger: Logger) throws(BackupFailure) -> [String] {
        guard let dump = manifest.dump else {
            throw .usage("the manifest describes a SQLite backup: verify it against a SQLite file (--database PATH)")
        }
        let store = try open(url, logger: logger)
        defer { store.close() }
        guard dump.schema == store.labSchema else {
            throw .usage("the manifest describes the schema \(dump.schema), the database URL names \(store.labSchema): give ?schema=\(dump.schema)")
        }
        do { return manifest.content.differences(from: try store.backupContent()) } catch { throw .store(error) }
    }

    /// The libpq options of `url` for pg_dump and pg_restore (`--host` is the socket's folder for a
    /// unix socket), and the password through `PGPASSWORD`, never on the command line.
    static func connectionArguments(_ url: PostgresURL) -> (arguments: [String], environment: [String: String]) {
        var arguments: [String]
        switch url.endpoint {
        case let .tcp(host, port):
            arguments = ["--host=\(host)", "--port=\(port)"]
        case let .unixSocket(path):
            let folder = (path as NSString).deletingLastPathComponent
            let port = (path as NSString).lastPathComponent.split(separator: ".").last.map(String.init) ?? "5432"
            arguments = ["--host=\(folder)", "--port=\(port)"]
        }
        arguments += ["--username=\(url.user)", "--dbname=\(url.database)", "--no-password"]
        var environment = ["PGCONNECT_TIMEOUT": "10"]
        if let password = url.password { environment["PGPASSWORD"] = password }
        return (arguments, environment)
    }

    private static func open(_ url: PostgresURL, logger: Logger) throws(BackupFailure) -> PostgresLabStore {
        do { return try PostgresLabStore.open(url: url, logger: logger, migrate: false) } catch { throw .store(error) }
    }
}
