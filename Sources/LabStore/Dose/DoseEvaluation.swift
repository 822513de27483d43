import Foundation

/// What the dose algorithm concluded for one card in one batch: the input of
/// ``DoseStore/saveDose(_:)``, which turns it into the next ``DoseResult`` version.
public struct DoseEvaluation: Sendable, Hashable {
    public var batchID: ReadoutBatch.ID
    public var cardID: String
    /// Personal dose equivalent Hp(10), millisievert; nil when not assessable (flags say why).
    public var hp10MilliSievert: Double?
    /// Personal dose equivalent Hp(0.07), millisievert; nil when the card cannot assess it.
    public var hp007MilliSievert: Double?
    /// The detection limit that applied to this card (mSv), when the algorithm states one.
    public var detectionLimitMilliSievert: Double?
    /// Quality and review flags from the glow-curve analysis and the dose algorithm.
    public var flags: [String]
    /// Remarks printed on the result line (e.g. "card damaged on arrival, manual QA").
    public var remarks: String
    /// Which algorithm (and version) produced the dose.
    public var algorithmID: String
    /// Which calibration set was used (e.g. a ``CalibrationRecord`` id or a named set).
    public var calibrationID: String?
    public var evaluatedAt: Date
    /// The state the new version starts in (``DoseState/evaluated`` or ``DoseState/needsReview``;
    /// ``DoseState/released`` is allowed for re-issued, already reviewed results).
    public var state: DoseState

    public init(
        batchID: ReadoutBatch.ID, cardID: String, hp10MilliSievert: Double?,
        hp007MilliSievert: Double?, detectionLimitMilliSievert: Double? = nil, flags: [String] = [], remarks: String = "", algorithmID: String,
        calibrationID: String?, evaluatedAt: Date, state: DoseState = .evaluated
    ) {
        self.batchID = batchID
        self.cardID = cardID
        self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert
        self.detectionLimitMilliSievert = detectionLimitMilliSievert
        self.flags = flags
        self.remarks = remarks
        self.algorithmID = algorithmID
        self.calibrationID = calibrationID
        self.evaluatedAt = evaluatedAt
        self.state = state
    }
}
