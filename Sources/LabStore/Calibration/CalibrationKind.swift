/// What a calibration value calibrates. Open-ended: a new kind needs no migration. Kinds are named
/// here (or, for kinds keyed by a dosimetry type the store does not know, by a typed factory beside
/// that type's user: `CalibrationKind.countsPerMilliSievert(_:)` in LabWorkflow), never spelled as
/// strings at call sites; ``init(rawValue:)`` is for reading stored values.
public struct CalibrationKind: RawRepresentable, Sendable, Hashable, Codable,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// Reader calibration factor (dose per count); subject: the reader serial.
    public static let readerCalibrationFactor = CalibrationKind(rawValue: "readerCalibrationFactor")
    /// Element correction coefficient; subject: "card/element", e.g. "C-000123/2".
    public static let elementCorrection = CalibrationKind(rawValue: "elementCorrection")
}
