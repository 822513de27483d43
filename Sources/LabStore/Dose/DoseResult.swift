import Foundation

/// One version of the dose of one card in one batch: the `doseResult` table.
///
/// Re-evaluating a card adds version n+1 and stamps `supersededAt` on version n; the current
/// dose is the one version with `supersededAt == nil`. Value columns never change after insert,
/// and a released version is immutable; SQLite triggers enforce both (see the `v1` migration).
public struct DoseResult: Sendable, Hashable, Codable {
    public typealias ID = RecordID<DoseResult>

    /// Set by the store on insert.
    public var id: ID?
    public var batchID: ReadoutBatch.ID
    public var cardID: String
    /// 1, 2, …: assigned by the store.
    public var version: Int
    /// Personal dose equivalent Hp(10), millisievert.
    public var hp10MilliSievert: Double?
    /// Personal dose equivalent Hp(0.07), millisievert; nil when not assessable.
    public var hp007MilliSievert: Double?
    /// The detection limit that applied to this card (mSv), when the algorithm states one.
    public var detectionLimitMilliSievert: Double?
    /// Stored as a JSON array of strings.
    public var flags: [String]
    public var remarks: String
    public var algorithmID: String
    public var calibrationID: String?
    public var evaluatedAt: Date
    /// When a newer version replaced this one; nil for the current version.
    public var supersededAt: Date?
    public var state: DoseState

    public init(id: ID? = nil, version: Int, supersededAt: Date? = nil, evaluation: DoseEvaluation) {
        self.id = id
        self.batchID = evaluation.batchID
        self.cardID = evaluation.cardID
        self.version = version
        self.hp10MilliSievert = evaluation.hp10MilliSievert
        self.hp007MilliSievert = evaluation.hp007MilliSievert
        self.detectionLimitMilliSievert = evaluation.detectionLimitMilliSievert
        self.flags = evaluation.flags
        self.remarks = evaluation.remarks
        self.algorithmID = evaluation.algorithmID
        self.calibrationID = evaluation.calibrationID
        self.evaluatedAt = evaluation.evaluatedAt
        self.supersededAt = supersededAt
        self.state = evaluation.state
    }

    /// Whether this is the current version of the card's dose in its batch.
    public var isCurrent: Bool { supersededAt == nil }
}
