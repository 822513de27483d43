import Foundation

/// The manifest written next to each backup file (`tld-backup-<UTC stamp>.manifest.json`): what the
/// backup holds as checksums (``BackupContent``), and the backup file's own SHA-256 so that a damaged
/// or altered file is found before it is restored. It holds no dose values, no names and no national
/// IDs (card numbers and checksums only), and is never encrypted, so that a backup can be checked
/// without its passphrase.
public struct BackupManifest: Codable, Sendable, Equatable {
    public static let formatName = "tld-backup/1"

    /// ``formatName``: retention prunes only backups whose manifest says this.
    public var format: String
    /// When the snapshot was taken (UTC, ISO 8601).
    public var createdAt: String
    /// The database the backup was taken from.
    public var source: String
    /// The backup file's name, in the manifest's folder.
    public var file: String
    public var fileSHA256: String
    public var fileBytes: Int64
    /// Whether the file is encrypted (``BackupEncryption``).
    public var encrypted: Bool
    public var content: BackupContent
    /// Set when the backup is a dump of a server database (PostgreSQL's `pg_dump`), not a SQLite file;
    /// absent in the manifests of SQLite backups (``BackupDump``).
    public var dump: BackupDump? = nil

    public init(format: String, createdAt: String, source: String, file: String, fileSHA256: String, fileBytes: Int64,
                encrypted: Bool, content: BackupContent, dump: BackupDump? = nil) {
        self.format = format
        self.createdAt = createdAt
        self.source = source
        self.file = file
        self.fileSHA256 = fileSHA256
        self.fileBytes = fileBytes
        self.encrypted = encrypted
        self.content = content
        self.dump = dump
    }

    /// The manifest at `path`.
    public static func read(path: String) throws(BackupFailure) -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: path) else { throw .noInput("cannot read the manifest \(path)") }
        guard let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data), manifest.format == formatName else {
            throw .badBackup("\(path) is not a tld backup manifest (\(formatName))")
        }
        return manifest
    }

    package func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// The names of a backup's files: `tld-backup-20270203T021500Z.sqlite` (or `.sqlite.enc`) and
/// `tld-backup-20270203T021500Z.manifest.json`.
public struct BackupName: Sendable, Equatable, Hashable {
    public static let prefix = "tld-backup-"
    /// The UTC time stamp, `yyyyMMdd'T'HHmmss'Z'`.
    public let stamp: String
    public let date: Date

    public init(date: Date) {
        let seconds = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        self.date = seconds
        let c = Self.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: seconds)
        func two(_ v: Int?) -> String { let t = String(v ?? 0); return t.count < 2 ? "0" + t : t }
        stamp = String(c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }

    /// The backup name of a manifest's file name, or nil for any other file.
    public init?(manifestFileName name: String) {
        guard name.hasPrefix(Self.prefix), name.hasSuffix(Self.manifestSuffix) else { return nil }
        let stamp = String(name.dropFirst(Self.prefix.count).dropLast(Self.manifestSuffix.count))
        let digits = stamp.utf8.map { Int($0) - 48 }
        guard stamp.count == 16, stamp.utf8.enumerated().allSatisfy({ i, byte in
            i == 8 ? byte == UInt8(ascii: "T") : i == 15 ? byte == UInt8(ascii: "Z") : (48...57).contains(byte)
        }) else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        var components = DateComponents()
        (components.year, components.month, components.day) = (number(0..<4), number(4..<6), number(6..<8))
        (components.hour, components.minute, components.second) = (number(9..<11), number(11..<13), number(13..<15))
        guard components.isValidDate(in: Self.calendar), let date = Self.calendar.date(from: components) else { return nil }
        self.stamp = stamp
        self.date = date
    }

    static let manifestSuffix = ".manifest.json"
    public var manifestFileName: String { Self.prefix + stamp + Self.manifestSuffix }
    public func backupFileName(encrypted: Bool) -> String { Self.prefix + stamp + (encrypted ? ".sqlite.enc" : ".sqlite") }
    /// The name of a server database's dump (`pg_dump --format=custom`): `….pgdump` or `….pgdump.enc`.
    public func dumpFileName(encrypted: Bool) -> String { Self.prefix + stamp + (encrypted ? ".pgdump.enc" : ".pgdump") }

    /// The manifest's name for a backup file's name (`….sqlite`, `….sqlite.enc`, `….pgdump`, `….pgdump.enc`), or nil.
    public static func manifestFileName(forBackupFile name: String) -> String? {
        for suffix in [".sqlite.enc", ".sqlite", ".pgdump.enc", ".pgdump"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count)) + manifestSuffix
        }
        return nil
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar
    }()
}

/// Why a backup, restore or verify failed; each with its sysexits code in the `tld` layer.
public enum BackupFailure: Error, CustomStringConvertible, Equatable {
    /// A file that must not exist exists, or a file cannot be created (73).
    case cannotCreate(String)
    /// A file to read is missing (66).
    case noInput(String)
    /// A backup or manifest that is damaged or not a backup (65).
    case badBackup(String)
    /// The database differs from the manifest: one line per difference (65).
    case differences([String])
    /// A passphrase is needed and none was given (64).
    case noPassphrase(String)
    case encryption(BackupEncryption.Failure)
    case store(LabStoreError)
    /// Reading or writing failed (74).
    case io(String)
    /// A tool the backup needs is missing (`pg_dump`, `pg_restore`) (69).
    case unavailable(String)
    /// The command was given something it cannot do, e.g. a PostgreSQL backup to restore into a file (64).
    case usage(String)

    public var description: String {
        switch self {
        case let .cannotCreate(text), let .noInput(text), let .badBackup(text), let .noPassphrase(text), let .io(text),
             let .unavailable(text), let .usage(text): text
        case let .differences(lines): "the database differs from the manifest in \(lines.count) \(lines.count == 1 ? "place" : "places")"
        case let .encryption(failure): failure.description
        case let .store(error): "\(error)"
        }
    }
}
