import ArgumentParser
import Foundation
import LabStore

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
            as the new database's key file and check it with `tld key show-check`.
            """)

    @Argument(help: ArgumentHelp("The backup file (tld-backup-….sqlite or .sqlite.enc).", valueName: "backup"))
    var backup: String

    @Option(help: ArgumentHelp("The database file to create (required; it must not exist).", valueName: "path"))
    var database: String

    @Option(help: ArgumentHelp("The manifest (default: the one beside the backup file).", valueName: "file"))
    var manifest: String?

    @OptionGroup var passphrase: BackupPassphraseOptions

    func run() throws {
        try PostgresUnsupported.refuseFileOption(database, command: "restore")
        do {
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
