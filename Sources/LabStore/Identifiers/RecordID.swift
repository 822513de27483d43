/// The row id of a stored record, typed by the record it names so that a batch id can never be
/// passed where a reading id is wanted.
///
/// ```swift
/// let batchID: ReadoutBatch.ID = batch.id!
/// let readings = try store.readings(batch: batchID)
/// ```
///
/// It is an `INTEGER PRIMARY KEY` in SQLite (and would be a `bigint` identity in PostgreSQL).
public struct RecordID<Record>: Hashable, Sendable, Comparable {
    /// The integer key in the database.
    public let rawValue: Int64

    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

extension RecordID: CustomStringConvertible {
    public var description: String { "#\(rawValue)" }
}

extension RecordID: Codable {
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
