import Foundation
import GRDB
import LabStore

// The GRDB (SQLite) side of ElementReading: its table and column mapping, in the SQLite backend so that
// the store interface (LabStore) stays free of GRDB.
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
        let id = try row.decode(ID?.self, forColumn: "id")
        let batchID = try row.decode(ReadoutBatch.ID.self, forColumn: "batchID")
        let cardID = try row.decode(String.self, forColumn: "cardID")
        let element = try row.decode(Int.self, forColumn: "element")
        let readAt = try row.decode(Date.self, forColumn: "readAt")
        let outcome: Outcome
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
        self.init(id: id, batchID: batchID, cardID: cardID, element: element, readAt: readAt, outcome: outcome)
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
