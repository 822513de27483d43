import GRDB

/// What a calibration value calibrates. Open-ended: a new kind needs no migration.
public struct CalibrationKind: RawRepresentable, Sendable, Hashable, Codable, DatabaseValueConvertible,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// Reader calibration factor (dose per count); subject: the reader serial.
    public static let readerCalibrationFactor: CalibrationKind = "readerCalibrationFactor"
    /// Element correction coefficient; subject: "card/element", e.g. "C-000123/2".
    public static let elementCorrection: CalibrationKind = "elementCorrection"
}
