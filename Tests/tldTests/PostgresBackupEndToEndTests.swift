import Foundation
import TestSupport
import Testing

/// `tld backup`, `tld restore` and `tld verify` on PostgreSQL (issue 18), on the tests' private cluster
/// (scripts/pg-test-cluster.sh): a lab filled by `tld readout --simulate`, backed up with pg_dump,
/// restored with pg_restore into a new database, verified; a tampered restore is reported.
@Suite("tld backup/restore/verify on PostgreSQL, end to end", .serialized, .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
struct PostgresBackupEndToEndTests {
    /// A new, empty database on the tests' cluster; its URL with the lab's schema.
    static func newDatabase(for lab: PostgresTestLab, schema: String? = nil) async throws -> (name: String, url: String) {
        let name = "restore_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let created = try await PostgresTestLab.psql(lab.serverURL, "CREATE DATABASE \(name)")
        guard created.status == 0 else { throw PostgresTestLab.QueryFailed(sql: "CREATE DATABASE", stderr: created.stderr) }
        var parts = try #require(URLComponents(string: lab.serverURL))
        parts.path = "/" + name
        parts.queryItems = (parts.queryItems ?? []) + [URLQueryItem(name: "schema", value: schema ?? lab.schema)]
        return (String(name), try #require(parts.string))
    }

    static func dropDatabase(_ name: String, lab: PostgresTestLab) async {
        _ = try? await PostgresTestLab.psql(lab.serverURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The rows of `sql` in `database` (a URL with ?schema=), one line each.
    static func lines(_ url: String, schema: String, _ sql: String) async throws -> [String] {
        var parts = try #require(URLComponents(string: url))
        parts.queryItems = parts.queryItems?.filter { $0.name != "schema" }
        let r = try await PostgresTestLab.psql(try #require(parts.string), "SET search_path TO \(schema); \(sql)")
        guard r.status == 0 else { throw PostgresTestLab.QueryFailed(sql: sql, stderr: r.stderr) }
        return r.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    static let curvesSQL = """
        SELECT id || '|' || cardID || '|' || element || '|' || status || '|' || coalesce(encode(counts, 'hex'), '') || '|'
               || coalesce(encode(temperatures, 'hex'), '') FROM elementReading ORDER BY id
        """

    @Test("a readout on PostgreSQL backed up with pg_dump, restored with pg_restore into a new database, verified; tampering is reported")
    func backUpRestoreVerify() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-pg-backup")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")

        let readout = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--database", lab.url], in: dir.url)
        #expect(readout.status == 0, "stderr: \(readout.stderr)")
        let sourceCurves = try await lab.lines(Self.curvesSQL)
        #expect(sourceCurves.count == 200)

        // The backup: a custom-format dump and its manifest, never the key.
        let backup = try await tld.run(["backup", "--out", dir.path("backups"), "--database", lab.url], in: dir.url)
        #expect(backup.status == 0, "stderr: \(backup.stderr)")
        #expect(backup.stdout.contains("pg_dump (PostgreSQL)"), "\(backup.stdout)")
        #expect(backup.stdout.contains("200 readings"), "\(backup.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("backups")).sorted()
        let dumpName = try #require(files.first { $0.hasSuffix(".pgdump") }, "\(files)")
        let manifestName = try #require(files.first { $0.hasSuffix(".manifest.json") }, "\(files)")
        #expect(files.count == 2, "\(files)")
        let dumpPath = dir.path("backups/" + dumpName)
        let manifestPath = dir.path("backups/" + manifestName)
        // pg_dump's custom format starts with "PGDMP" (pg_backup_archiver.c).
        #expect(try Data(contentsOf: URL(fileURLWithPath: dumpPath)).prefix(5) == Data("PGDMP".utf8))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as? [String: Any])
        let dump = try #require(manifest["dump"] as? [String: Any])
        #expect(dump["schema"] as? String == lab.schema)
        #expect(dump["backend"] as? String == "PostgreSQL")
        let content = try #require(manifest["content"] as? [String: Any])
        #expect((content["curves"] as? [Any])?.count == 200)
        let tables = try #require(content["tables"] as? [[String: Any]])
        let counted = Dictionary(uniqueKeysWithValues: tables.compactMap { t in (t["name"] as? String).map { ($0, t["rows"] as? Int ?? -1) } })
        // Every table of the lab's schema, counted: the catalog's list, the same counts as the database.
        let catalog = try await lab.lines("SELECT tablename FROM pg_tables WHERE schemaname = '\(lab.schema)' ORDER BY tablename COLLATE \"C\"")
        #expect(counted.keys.sorted() == catalog, "\(counted.keys.sorted()) vs \(catalog)")
        #expect(counted["elementreading"] == 200)
        let cardRows = try await lab.int("SELECT count(*) FROM batchCard")
        #expect(counted["batchcard"] == cardRows)
        // Every migration of the whole schema (readout, doses, records, cases, portal) is recorded.
        let migrations = try await lab.int("SELECT count(*) FROM tld_schema_migrations")
        #expect(migrations >= 6)
        #expect(counted["tld_schema_migrations"] == migrations)
        // The readout evaluated its batch (the evaluation role): the doses and calibrations counted as stored.
        let doses = try await lab.int("SELECT count(*) FROM doseResult")
        #expect(doses > 0 && counted["doseresult"] == doses)
        #expect(counted["calibrationrecord"] == (try await lab.int("SELECT count(*) FROM calibrationRecord")))

        // The source verifies against its own manifest.
        let verifySource = try await tld.run(["verify", manifestPath, "--database", lab.url], in: dir.url)
        #expect(verifySource.status == 0, "stderr: \(verifySource.stderr)")

        // Restore into a new, empty database; then verify.
        let target = try await Self.newDatabase(for: lab)
        defer { Task { await Self.dropDatabase(target.name, lab: lab) } }
        let restore = try await tld.run(["restore", dumpPath, "--database", target.url], in: dir.url)
        #expect(restore.status == 0, "stderr: \(restore.stderr)")
        #expect(restore.stdout.contains("identical to the manifest"), "\(restore.stdout)")
        #expect(try await Self.lines(target.url, schema: lab.schema, Self.curvesSQL) == sourceCurves)
        let verify = try await tld.run(["verify", manifestPath, "--database", target.url], in: dir.url)
        #expect(verify.status == 0, "stderr: \(verify.stderr)")
        #expect(verify.stdout.contains("matches"), "\(verify.stdout)")
        // The restored lab works: its readings are immutable there too (the triggers came along).
        let update = try await PostgresTestLab.psql(target.url.replacingOccurrences(of: "&schema=\(lab.schema)", with: ""),
                                                    "UPDATE \(lab.schema).elementReading SET element = element")
        #expect(update.status != 0)
        #expect(update.stderr.contains("element readings are immutable"), "\(update.stderr)")

        // Never over data: the restored database is not empty now.
        let again = try await tld.run(["restore", dumpPath, "--database", target.url], in: dir.url)
        #expect(again.status == 73, "stderr: \(again.stderr)")
        #expect(again.stderr.contains("is not empty"), "\(again.stderr)")

        // Tampering (as a superuser with the triggers off): one curve changed, one card of the batch deleted.
        let tamper = try await Self.lines(target.url, schema: lab.schema, """
            SET session_replication_role = replica;
            UPDATE elementReading SET counts = set_byte(counts, 0, (get_byte(counts, 0) + 1) % 256) WHERE id = (SELECT min(id) FROM elementReading WHERE status = 'stored');
            DELETE FROM batchCard WHERE ctid = (SELECT ctid FROM batchCard LIMIT 1);
            SELECT 'done'
            """)
        #expect(tamper.last == "done")
        let tampered = try await tld.run(["verify", manifestPath, "--database", target.url], in: dir.url)
        #expect(tampered.status == 65, "stderr: \(tampered.stderr)")
        #expect(tampered.stderr.contains("table elementreading: same 200 rows counted, contents differ"), "\(tampered.stderr)")
        #expect(tampered.stderr.contains(": differs"), "\(tampered.stderr)")
        #expect(tampered.stderr.contains("curve "), "\(tampered.stderr)")
        let cards = try #require(counted["batchcard"])
        #expect(tampered.stderr.contains("table batchcard: \(cards) rows in the manifest, \(cards - 1) in the database"), "\(tampered.stderr)")
        // The source is untouched.
        let sourceAgain = try await tld.run(["verify", manifestPath, "--database", lab.url], in: dir.url)
        #expect(sourceAgain.status == 0, "stderr: \(sourceAgain.stderr)")
    }

    @Test("an encrypted PostgreSQL backup restores with its passphrase into an existing empty schema; refusals are one line with their exit codes")
    func encryptedAndRefusals() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-pg-backup-enc")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let readout = try await tld.run(["readout", "--simulate", "--speed-ms", "0", "--database", lab.url], in: dir.url)
        #expect(readout.status == 0, "stderr: \(readout.stderr)")
        let passphrase = ["TLD_BACKUP_PASSPHRASE": "a long enough passphrase"]

        let backup = try await tld.run(["backup", "--encrypt", "--out", dir.path("enc"), "--database", lab.url], in: dir.url, environment: passphrase)
        #expect(backup.status == 0, "stderr: \(backup.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("enc"))
        let encName = try #require(files.first { $0.hasSuffix(".pgdump.enc") }, "\(files)")
        let encPath = dir.path("enc/" + encName)
        #expect(try Data(contentsOf: URL(fileURLWithPath: encPath)).prefix(5) != Data("PGDMP".utf8))

        // Into a database where the lab's schema exists, empty.
        let target = try await Self.newDatabase(for: lab)
        defer { Task { await Self.dropDatabase(target.name, lab: lab) } }
        _ = try await Self.lines(target.url, schema: "public", "CREATE SCHEMA \(lab.schema); SELECT 1")
        let noPassphrase = try await tld.run(["restore", encPath, "--database", target.url], in: dir.url)
        #expect(noPassphrase.status == 64, "stderr: \(noPassphrase.stderr)")
        let restore = try await tld.run(["restore", encPath, "--database", target.url], in: dir.url, environment: passphrase)
        #expect(restore.status == 0, "stderr: \(restore.stderr)")
        #expect(try await Self.lines(target.url, schema: lab.schema, "SELECT count(*) FROM elementReading") == ["200"])

        // Another schema than the dump's: pg_restore cannot rename one (64).
        let other = try await Self.newDatabase(for: lab, schema: "elsewhere")
        defer { Task { await Self.dropDatabase(other.name, lab: lab) } }
        let wrongSchema = try await tld.run(["restore", encPath, "--database", other.url], in: dir.url, environment: passphrase)
        #expect(wrongSchema.status == 64, "stderr: \(wrongSchema.stderr)")
        #expect(wrongSchema.stderr.contains("cannot rename a schema"), "\(wrongSchema.stderr)")

        // No pg_dump to be found: 69, one line, no backup files left.
        let empty = try TemporaryDirectory("tld-no-pg-bin")
        defer { empty.cleanup() }
        let missing = try await tld.run(["backup", "--out", dir.path("none"), "--database", lab.url], in: dir.url,
                                        environment: ["TLD_PG_BINDIR": empty.url.path])
        #expect(missing.status == 69, "stderr: \(missing.stderr)")
        #expect(missing.stderr.contains("pg_dump for PostgreSQL"), "\(missing.stderr)")
        #expect(missing.stderr.split(whereSeparator: \.isNewline).count == 1, "\(missing.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: dir.path("none"))) ?? []).isEmpty)

        // A PostgreSQL manifest is not compared with a SQLite file, nor a dump restored into one (64).
        let manifestName = try #require(files.first { $0.hasSuffix(".manifest.json") })
        let verifyFile = try await tld.run(["verify", dir.path("enc/" + manifestName), "--database", dir.path("x.sqlite")], in: dir.url)
        #expect(verifyFile.status == 64, "stderr: \(verifyFile.stderr)")
        let restoreFile = try await tld.run(["restore", encPath, "--database", dir.path("x.sqlite")], in: dir.url, environment: passphrase)
        #expect(restoreFile.status == 64, "stderr: \(restoreFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("x.sqlite")))

        // A postgres:// restore target with no backup file: 66, never a file named postgres….
        let noFile = try await tld.run(["restore", "backup.sqlite", "--database", "postgresql://lab@localhost/tld"], in: dir.url)
        #expect(noFile.status == 66, "stderr: \(noFile.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { !$0.hasPrefix("postgres") })
    }
}
