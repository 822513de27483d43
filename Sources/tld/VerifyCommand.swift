import ArgumentParser
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite

/// `tld verify`: a database compared with a backup manifest.
struct VerifyCommand: ParsableCommand, PostgresGate.Supported {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare a database with a backup manifest: every table, raw curve and dose version.",
        discussion: """
            Reads the database in one snapshot (it writes nothing) and compares it with the manifest: \
            schema version, national-ID key check value, each table's rows and checksum, each raw curve's \
            and each dose version's checksum. Identical: exit 0. Different: one line per difference on \
            stderr, exit 65. Run it after `tld restore` (before any other command writes to the restored \
            lab), or on a backup copy. A PostgreSQL backup's manifest is compared with a PostgreSQL \
            database (--database postgres://…?schema=…, the schema the backup was taken from).
            """)

    @Argument(help: ArgumentHelp("The manifest (tld-backup-….manifest.json).", valueName: "manifest"))
    var manifest: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        let expected = try BackupManifest.read(path: manifest)
        let database: String
        let differences: [String]
        if store.isPostgres {
            let url = try store.postgresURL()
            database = url.description
            differences = try PostgresBackup.verify(url: url, manifest: expected, logger: makeLogger(verbose: false))
        } else {
            database = store.path
            differences = try LabBackup.verify(database: store.path, manifest: expected)
        }
        guard differences.isEmpty else {
            for line in differences { FileHandle.standardError.write(Data("tld: \(line)\n".utf8)) }
            throw BackupFailure.differences(differences)
        }
        let content = expected.content
        print("\(database) matches \(manifest): \(content.tables.count) tables, \(content.tables.reduce(0) { $0 + $1.rows }) rows, \(content.curves.count) readings, \(content.doses.count) dose versions, schema \(content.migrations.last ?? "none").")
    }
}
