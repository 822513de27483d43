import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite

/// `tld restore`: a backup into a new database file, checked against its manifest.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new database file (never over an existing one).",
        discussion: """
            Checks the backup file against the SHA-256 in its manifest (tld-backup-<time>.manifest.json \
            beside it, or --manifest), decrypts it if encrypted (--passphrase-file or \
            $TLD_BACKUP_PASSPHRASE), checks every table, raw curve and dose version of the copy against \
            the manifest, and only then gives it the name --database. Refuses (exit 73) when that file, or \
            its -wal, -shm or -journal, exists. Then put the national-ID key back (from `tld key backup`) \
            as the new database's key file and check it with `tld key show-check`. \
            A PostgreSQL backup (tld-backup-….pgdump) restores with pg_restore into --database \
            postgres://…?schema=S, S the schema it was taken from, in a database whose schema S is empty or \
            missing (exit 73 otherwise; a new database is fine), then every table, raw curve and dose \
            version is compared with the manifest (exit 65 when they differ; the restored data stay for \
            inspection). pg_restore of the server's major version must be installed (exit 69).
            """)

    @Argument(help: ArgumentHelp("The backup file (tld-backup-….sqlite, .sqlite.enc, .pgdump or .pgdump.enc).", valueName: "backup"))
    var backup: String

    @Option(help: ArgumentHelp("The database file to create (it must not exist), or postgres://… (an empty database).", valueName: "path"))
    var database: String

    @Option(help: ArgumentHelp("The manifest (default: the one beside the backup file).", valueName: "file"))
    var manifest: String?

    @OptionGroup var passphrase: BackupPassphraseOptions

    func run() throws {
        do {
            if PostgresURL.isPostgres(database) {
                let url: PostgresURL
                do { url = try PostgresURL(parsing: database) } catch { throw CommandFailure("--database: \(error)", status: .usage) }
                let restored = try PostgresBackup.restore(backup: backup, manifest: manifest, into: url, passphrase: try passphrase.passphrase(),
                                                          logger: makeLogger(verbose: false))
                let content = restored.content
                print("Restored \(backup) (taken \(restored.createdAt)) into \(url) with pg_restore: \(content.tables.count) tables, \(content.curves.count) readings, \(content.doses.count) dose versions, identical to the manifest.")
                if let check = content.nationalIDKeyCheck {
                    print("National-ID key needed: check value \(check). Put back the copy made by `tld key backup`.")
                }
                return
            }
            let restored = try LabBackup.restore(backup: backup, manifest: manifest, into: database, passphrase: try passphrase.passphrase())
            let content = restored.content
            print("Restored \(backup) (taken \(restored.createdAt)) into \(database): \(content.tables.count) tables, \(content.curves.count) readings, \(content.doses.count) dose versions, identical to the manifest.")
            if let check = content.nationalIDKeyCheck {
                print("National-ID key needed: check value \(check). Copy the key backup to \(database).key (mode 0600), then run `tld key show-check --database \(database)`.")
            }
        } catch let BackupFailure.differences(lines) {
            for line in lines { FileHandle.standardError.write(Data("tld: \(line)\n".utf8)) }
            throw BackupFailure.differences(lines)
        }
    }
}
