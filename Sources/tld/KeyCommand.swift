import ArgumentParser
import Foundation
import LabStore
import LabWorkflow

/// `tld key`: the national-ID key of a lab database — its check value, a backup, a rotation.
struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The national-ID key: show its check value, back it up, rotate it.",
        discussion: """
            National IDs are stored sealed with one key (AES-256-GCM, HMAC-SHA256 for look-up), from \
            $TLD_NATIONAL_ID_KEY or the key file (--key-file, default: the database path + .key). The \
            database keeps the key's check value: a command given another key refuses to run ("this key \
            does not belong to this database"). Without the key, no sealed ID can ever be read again: back \
            it up, and keep the backup apart from the database backups. On PostgreSQL \
            (--database postgres://…) name the key with --key-file or $TLD_NATIONAL_ID_KEY.
            """,
        subcommands: [ShowCheck.self, Backup.self, Rotate.self])

    struct ShowCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show-check",
            abstract: "Print the key's check value and whether it is the one stored in the database.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions

        func run() throws {
            let labStore = try store.openMasterData(logger: makeLogger(verbose: false), create: false)
            try key.requireNamedKey(database: store.path)
            let stored = try labStore.nationalIDKeyCheck()
            let isNewLab = try stored == nil && labStore.sealedNationalIDCount() == 0
            // Never creates a key: show-check only reads.
            let environment = ProcessInfo.processInfo.environment
            let keyPath = key.path(database: store.path)
            if isNewLab, environment[NationalIDProtector.environmentVariable]?.isEmpty ?? true,
               !FileManager.default.fileExists(atPath: keyPath) {
                print("No key yet at \(keyPath): the first command that enrols a wearer creates it.")
                return
            }
            let protector = try NationalIDProtector.load(environment: environment, keyFile: keyPath)
            print("key check value:      \(NationalIDKeyring.displayCheckValue(protector.keyCheckValue))")
            print("database check value: \(stored.map(NationalIDKeyring.displayCheckValue) ?? "none stored yet")")
            guard let stored else { return }
            if stored != protector.keyCheckValue { throw NationalIDError.wrongKey }
            print("The key belongs to \(store.path).")
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a copy of the key to a new file (mode 0600), after checking it belongs to the database.",
            discussion: "Keep the copy away from the database backups (another medium, a safe): a stolen database backup with its key reveals every national ID.")

        @Option(help: ArgumentHelp("The backup file to create (it must not exist).", valueName: "file"))
        var out: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions

        func run() throws {
            let labStore = try store.openMasterData(logger: makeLogger(verbose: false), create: false)
            let protector = try key.protector(store: labStore, database: store.path)
            // The checked key's own bytes, from the same place the protector came from.
            let bytes: Data
            if let env = ProcessInfo.processInfo.environment[NationalIDProtector.environmentVariable], !env.isEmpty,
               let data = Data(base64Encoded: env.trimmingCharacters(in: .whitespacesAndNewlines)) {
                bytes = data
            } else {
                bytes = try NationalIDKeyFile.read(path: key.path(database: store.path))
            }
            guard try NationalIDProtector(masterKey: bytes).keyCheckValue == protector.keyCheckValue else { throw NationalIDError.wrongKey }
            try NationalIDKeyFile.create(path: out, key: bytes)
            print("Key written to \(out) (check value \(NationalIDKeyring.displayCheckValue(protector.keyCheckValue))).")
            print("Keep it away from the database backups.")
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every stored national ID with a new key, in one transaction.",
            discussion: """
                The new key is written to --new-key-file (created, mode 0600, made durable before any ID \
                is sealed with it); if that file already exists, the key in it is used. Every stored ID \
                and its look-up hash are re-sealed and the database's check value replaced, all in one \
                transaction: on any failure nothing changes. Afterwards only the new key opens the \
                database: move it to the key file (or give --key-file), back it up, and destroy the old \
                key's copies.
                """)

        @Option(help: ArgumentHelp("File for the new key (created if missing).", valueName: "file"))
        var newKeyFile: String

        @OptionGroup var store: StoreOptions
        @OptionGroup var key: NationalIDKeyOptions

        func run() throws {
            // On SQLite the file's writer lock; on PostgreSQL the re-sealing transaction locks the
            // wearer table itself.
            var lock: WriterLock?
            if !store.isPostgres { lock = try WriterLock.acquire(for: store.path, holder: "tld key rotate") }
            defer { lock?.release() }
            let labStore = try store.openMasterData(logger: makeLogger(verbose: false), create: false)
            let current = try key.protector(store: labStore, database: store.path)
            let newKey = try Self.newKey(in: newKeyFile)
            let new = try NationalIDProtector(masterKey: newKey)
            guard new.keyCheckValue != current.keyCheckValue else {
                throw CommandFailure("\(newKeyFile) holds the key in use: give a new key file")
            }
            let count = try NationalIDKeyring.rotate(from: current, to: new, store: labStore)
            print("Re-sealed \(count) national IDs with the key in \(newKeyFile) (check value \(NationalIDKeyring.displayCheckValue(new.keyCheckValue))).")
            let place = store.isPostgres && key.keyFile == nil
                ? "put it in $\(NationalIDProtector.environmentVariable) (or give --key-file)"
                : "move it to \(key.path(database: store.path)) (or give --key-file)"
            print("Only that key opens \(store.path) now: \(place), back it up, and destroy the old key's copies.")
        }

        /// The key in `path`, or a new one written there (mode 0600, durable) when the file is missing.
        static func newKey(in path: String) throws(NationalIDError) -> Data {
            do {
                return try NationalIDKeyFile.read(path: path)
            } catch .keyMissing {
                let key = NationalIDProtector.newMasterKey()
                try NationalIDKeyFile.create(path: path, key: key)
                return key
            }
        }
    }
}
