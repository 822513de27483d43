import Foundation

/// One calibration value in force from a date: the `calibrationRecord` table.
///
/// The history is append-only (triggers abort UPDATE and DELETE): a new value for the same kind
/// and subject is a new row. The value in force at a time is the row with the latest
/// `validFrom` not after that time, ties broken by the latest `createdAt`.
public struct CalibrationRecord: Sendable, Hashable, Codable {
    public typealias ID = RecordID<CalibrationRecord>

    /// Set by the store on insert.
    public var id: ID?
    public var kind: CalibrationKind
    /// What is calibrated: a reader serial, or "card/element".
    public var subject: String
    public var value: Double
    /// The unit of `value`, spelled out (e.g. "mSv/count", "1").
    public var unit: String
    public var validFrom: Date
    /// Where the value comes from (irradiation record, certificate, operator).
    public var source: String
    /// Set by the store on insert.
    public var createdAt: Date?

    public init(
        id: ID? = nil, kind: CalibrationKind, subject: String, value: Double, unit: String,
        validFrom: Date, source: String, createdAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.value = value
        self.unit = unit
        self.validFrom = validFrom
        self.source = source
        self.createdAt = createdAt
    }
}
