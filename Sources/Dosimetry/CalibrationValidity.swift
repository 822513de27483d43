/// How long a calibration value stays valid after the date it is in force from. A reader calibration
/// past its validity is not used for a new evaluation or a re-evaluation: the lab calibrates again.
/// An element correction coefficient past its validity is still the best value known for that
/// element; the evaluation applies it and sends the card to review (`element-correction-expired`).
///
/// - Reader calibration records (counts per mSv, used when a batch has no calibration dosimeters of its
///   own): 90 days, the quarterly recalibration common in TLD services **[lab policy; adjust]**; an
///   in-batch calibration is valid for its batch only.
/// - Element correction coefficients: 365 days; ECCs drift ≈ 5 % in 3 years of heavy reuse (KAERI,
///   ../shared/notes/tl-physics.md), so a yearly ECC run keeps the drift within about 2 %.
public struct CalibrationValidity: Sendable, Hashable, Codable {
    public var readerCalibration: Days
    public var elementCorrection: Days

    public init(readerCalibration: Days = Days(90), elementCorrection: Days = Days(365)) {
        self.readerCalibration = readerCalibration
        self.elementCorrection = elementCorrection
    }

    public static let `default` = CalibrationValidity()

    public enum Kind: Sendable, Hashable { case readerCalibration, elementCorrection }

    /// How long a value of `kind` is valid.
    public func period(_ kind: Kind) -> Days {
        switch kind {
        case .readerCalibration: readerCalibration
        case .elementCorrection: elementCorrection
        }
    }

    /// Whether a value of `kind`, in force since `age` days, may still be used.
    public func isValid(_ kind: Kind, age: Days) -> Bool { age.value >= 0 && age.value <= period(kind).value }
}
