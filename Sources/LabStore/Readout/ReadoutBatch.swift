import Foundation

/// One run of the reader over a magazine of cards: the `readoutBatch` table.
///
/// A batch is opened before the first card is loaded and finished when the magazine is empty.
/// At most one batch per `source` is open at a time; after a crash the workflow finds it again
/// with ``ReadoutStore/findOpenBatch(source:)`` and resumes it.
public struct ReadoutBatch: Sendable, Hashable, Codable {
    public typealias ID = RecordID<ReadoutBatch>

    /// Whether cards may still be read into the batch.
    public enum State: String, Sendable, Hashable, Codable {
        case open
        case complete
    }

    /// Set by the store when the batch is inserted; never nil on a batch the store returned.
    public var id: ID?
    /// The reader's group/magazine ID: 1…16 printable ASCII characters (see ``isValidGroupID(_:)``).
    public var groupID: String
    public var createdAt: Date
    public var readerModel: String
    public var readerSerial: String
    public var readerFirmware: String
    /// Element positions on each card of this batch (1…4), from the reader's `IDENTIFY`.
    public var elementsPerCard: Int
    public var timeTemperatureProfile: TimeTemperatureProfile
    /// Where the readings come from: a device path, or e.g. "simulated: builtin-shipment".
    public var source: String
    public var state: State
    public var finishedAt: Date?

    public init(
        id: ID? = nil, groupID: String, createdAt: Date, reader: ReaderIdentity, elementsPerCard: Int,
        timeTemperatureProfile: TimeTemperatureProfile, source: String, state: State = .open,
        finishedAt: Date? = nil
    ) {
        self.id = id
        self.groupID = groupID
        self.createdAt = createdAt
        self.readerModel = reader.model
        self.readerSerial = reader.serial
        self.readerFirmware = reader.firmware
        self.elementsPerCard = elementsPerCard
        self.timeTemperatureProfile = timeTemperatureProfile
        self.source = source
        self.state = state
        self.finishedAt = finishedAt
    }

    /// The reader that read this batch.
    public var reader: ReaderIdentity {
        ReaderIdentity(model: readerModel, serial: readerSerial, firmware: readerFirmware)
    }

    /// The longest group ID the reader can show.
    public static let maximumGroupIDLength = 16
    /// The card positions a TL card can have (DOMAIN.md §1: up to 4 pellets).
    public static let elementRange = 1...4

    /// Whether `groupID` is 1…16 characters of printable ASCII (U+0020…U+007E) without
    /// leading or trailing spaces.
    public static func isValidGroupID(_ groupID: String) -> Bool {
        let scalars = groupID.unicodeScalars
        guard (1...maximumGroupIDLength).contains(scalars.count) else { return false }
        guard scalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else { return false }
        return scalars.first != " " && scalars.last != " "
    }
}
