import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite

/// `tld backup`: an online, consistent copy of the lab's database with its manifest.
struct BackupCommand: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the lab's database (online, consistent) with a manifest of checksums.",
        discussion: """
            Copies the database with SQLite's online backup API while other commands (a readout) go on \
            writing: the copy is the database as of one moment. Writes into --out \
            tld-backup-<UTC time>.sqlite (or .sqlite.enc with --encrypt) and, last, \
            tld-backup-<UTC time>.manifest.json: rows and a SHA-256 per table, a SHA-256 of every raw \
            curve and of every dose version, the schema version and the national-ID key's check value \
            (not the key: back the key up with `tld key backup`, onto another medium). \
            --encrypt: AES-256-GCM with a key derived by scrypt from the passphrase in --passphrase-file \
            or $TLD_BACKUP_PASSPHRASE (at least 12 characters). --keep-daily/--keep-weekly/--keep-monthly \
            then remove older backups that this command made in --out (the newest of each day, ISO week \
            or month is kept; nothing else in the folder is touched). \
            On PostgreSQL (--database postgres://…): pg_dump --format=custom of the lab's schema into \
            tld-backup-<UTC time>.pgdump (.pgdump.enc), taken in the same snapshot as the manifest; pg_dump \
            of the server's major version (/usr/lib/postgresql/N/bin, or $TLD_PG_BINDIR) must be installed \
            (exit 69 when it is not). See docs/backup.md.
            """)

    @Option(help: ArgumentHelp("The backup folder (created if missing).", valueName: "folder"))
    var out: String

    @Flag(help: "Encrypt the backup file (passphrase from --passphrase-file or $TLD_BACKUP_PASSPHRASE).")
    var encrypt = false

    @OptionGroup var passphrase: BackupPassphraseOptions

    @Option(help: ArgumentHelp("Keep the newest backup of each of the last N days.", valueName: "N"))
    var keepDaily = 0
    @Option(help: ArgumentHelp("Keep the newest backup of each of the last N ISO weeks.", valueName: "N"))
    var keepWeekly = 0
    @Option(help: ArgumentHelp("Keep the newest backup of each of the last N months.", valueName: "N"))
    var keepMonthly = 0

    @OptionGroup var store: StoreOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard keepDaily >= 0, keepWeekly >= 0, keepMonthly >= 0 else {
            throw ValidationError("--keep-daily, --keep-weekly and --keep-monthly take 0 or more")
        }
    }

    func run() throws {
        var secret: String?
        if encrypt {
            guard let given = try passphrase.passphrase() else {
                throw CommandFailure("--encrypt needs a passphrase: --passphrase-file FILE or $\(BackupPassphraseOptions.environmentVariable)", status: .usage)
            }
            guard given.count >= BackupPassphraseOptions.minimumLength else {
                throw CommandFailure("the backup passphrase is too short: at least \(BackupPassphraseOptions.minimumLength) characters", status: .dataError)
            }
            secret = given
        }
        let made: LabBackup.Made
        if store.isPostgres {
            made = try PostgresBackup.backUp(url: try store.postgresURL(), into: out, passphrase: secret, now: Date(),
                                             logger: makeLogger(verbose: logging.verbose))
        } else {
            let labStore = try store.openExisting(logger: makeLogger(verbose: logging.verbose))
            made = try LabBackup.backUp(database: labStore.database, into: out, passphrase: secret, now: Date())
        }
        let content = made.manifest.content
        let rows = content.tables.reduce(0) { $0 + $1.rows }
        print("Backup \(made.backupPath)\(made.manifest.encrypted ? " (encrypted)" : "")"
              + (made.manifest.dump.map { " (\($0.tool), schema \($0.schema), server \($0.serverVersion))" } ?? ""))
        print("Manifest \(made.manifestPath): \(content.tables.count) tables, \(rows) rows, \(content.curves.count) readings, \(content.doses.count) dose versions, schema \(content.migrations.last ?? "none")")
        if let check = content.nationalIDKeyCheck {
            print("The national-ID key (check value \(check)) is not in the backup: keep a copy made by `tld key backup` on another medium.")
        }
        let removed = try LabBackup.prune(folder: out, retention: BackupRetention(daily: keepDaily, weekly: keepWeekly, monthly: keepMonthly))
        for path in removed { print("Removed \(path)") }
    }
}
