import Foundation
import GRDB

/// One element position of one card in one batch, and what the reader gave for it: the
/// `elementReading` table. Exactly one row per (batch, card, element); rows never change.
///
/// ```swift
/// let reading = ElementReading(batchID: batch.id!, cardID: "C-000123", element: 1,
///                              readAt: now, outcome: .stored(curve))
/// let saved = try store.saveElementReading(reading)   // durable when this returns
/// ```
///
/// In the database a stored curve is flat columns plus two BLOBs (``ChannelBlobCodec``); a lost
/// or absent element has no curve columns at all (a CHECK constraint enforces it).
public struct ElementReading: Sendable, Hashable {
    public typealias ID = RecordID<ElementReading>

    /// What the reader gave for the element.
    public enum Outcome: Sendable, Hashable {
        /// A complete curve.
        case stored(ElementCurve)
        /// The signal is gone (e.g. heating interrupted); `reason` says why, for the record.
        case lost(reason: String)
        /// No pellet in this position.
        case absent
    }

    /// Set by the store on insert.
    public var id: ID?
    public var batchID: ReadoutBatch.ID
    /// The card's ID as read from its barcode.
    public var cardID: String
    /// Element position on the card, 1-based (1…4).
    public var element: Int
    public var readAt: Date
    public var outcome: Outcome

    public init(
        id: ID? = nil, batchID: ReadoutBatch.ID, cardID: String, element: Int, readAt: Date,
        outcome: Outcome
    ) {
        self.id = id
        self.batchID = batchID
        self.cardID = cardID
        self.element = element
        self.readAt = readAt
        self.outcome = outcome
    }

    public var status: ElementStatus {
        switch outcome {
        case .stored: .stored
        case .lost: .lost
        case .absent: .absent
        }
    }

    /// The curve, when the element was stored.
    public var curve: ElementCurve? {
        if case let .stored(curve) = outcome { curve } else { nil }
    }
}

extension ElementReading: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "elementReading"

    /// The table's columns, for requests.
    public enum Columns {
        public static let id = Column("id")
        public static let batchID = Column("batchID")
        public static let cardID = Column("cardID")
        public static let element = Column("element")
        public static let status = Column("status")
        public static let lostReason = Column("lostReason")
        public static let readAt = Column("readAt")
        public static let channelCount = Column("channelCount")
        public static let counts = Column("counts")
        public static let temperatures = Column("temperatures")
        public static let channelMicroseconds = Column("channelMicroseconds")
        public static let pmtDarkCountsPerSecond = Column("pmtDarkCountsPerSecond")
        public static let heaterMaxDeciCelsius = Column("heaterMaxDeciCelsius")
        public static let readerCurveCRC32 = Column("readerCurveCRC32")
    }

    /// Decodes a row; a malformed BLOB throws ``BlobDecodingError``, a missing value
    /// GRDB's `RowDecodingError` (never a trap).
    public init(row: Row) throws {
        id = try row.decode(ID?.self, forColumn: "id")
        batchID = try row.decode(ReadoutBatch.ID.self, forColumn: "batchID")
        cardID = try row.decode(String.self, forColumn: "cardID")
        element = try row.decode(Int.self, forColumn: "element")
        readAt = try row.decode(Date.self, forColumn: "readAt")
        switch try row.decode(ElementStatus.self, forColumn: "status") {
        case .absent:
            outcome = .absent
        case .lost:
            outcome = .lost(reason: try row.decode(String.self, forColumn: "lostReason"))
        case .stored:
            let channels = try row.decode(Int.self, forColumn: "channelCount")
            let counts = try ChannelBlobCodec.decodeCounts(
                try row.decode(Data.self, forColumn: "counts"), expectedChannels: channels)
            let temperatures = try ChannelBlobCodec.decodeTemperatures(
                try row.decode(Data.self, forColumn: "temperatures"), expectedChannels: channels)
            outcome = .stored(ElementCurve(
                counts: counts,
                temperaturesDeciCelsius: temperatures,
                channelMicroseconds: try row.decode(UInt32.self, forColumn: "channelMicroseconds"),
                pmtDarkCountsPerSecond: try row.decode(UInt32.self, forColumn: "pmtDarkCountsPerSecond"),
                heaterMaxDeciCelsius: try row.decode(Int16.self, forColumn: "heaterMaxDeciCelsius"),
                readerCurveCRC32: try row.decode(UInt32.self, forColumn: "readerCurveCRC32")))
        }
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["batchID"] = batchID
        container["cardID"] = cardID
        container["element"] = element
        container["status"] = status
        container["readAt"] = readAt
        let curve = self.curve
        if case let .lost(reason) = outcome {
            container["lostReason"] = reason
        } else {
            container["lostReason"] = nil as String?
        }
        container["channelCount"] = curve?.channelCount
        container["counts"] = curve.map { ChannelBlobCodec.encode(counts: $0.counts) }
        container["temperatures"] = curve.map {
            ChannelBlobCodec.encode(temperaturesDeciCelsius: $0.temperaturesDeciCelsius)
        }
        container["channelMicroseconds"] = curve?.channelMicroseconds
        container["pmtDarkCountsPerSecond"] = curve?.pmtDarkCountsPerSecond
        container["heaterMaxDeciCelsius"] = curve?.heaterMaxDeciCelsius
        container["readerCurveCRC32"] = curve?.readerCurveCRC32
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = ID(rawValue: inserted.rowID)
    }
}
