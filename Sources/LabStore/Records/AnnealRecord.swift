import Foundation

/// How cards were annealed.
public enum AnnealMethod: String, Sendable, Hashable, Codable {
    /// The reader's own anneal cycle, right after readout.
    case reader
    /// A batch in the lab oven.
    case oven
}

/// One anneal run (a reader cycle or an oven batch): the `annealRecord` table.
public struct AnnealRecord: Sendable, Hashable, Codable {
    public typealias ID = RecordID<AnnealRecord>

    public var id: ID?
    public var method: AnnealMethod
    /// The temperature programme, e.g. "400 °C 1 h + 100 °C 2 h" or the reader profile's anneal.
    public var profile: String
    public var startedAt: Date
    public var endedAt: Date

    public init(id: ID? = nil, method: AnnealMethod, profile: String, startedAt: Date, endedAt: Date) {
        self.id = id
        self.method = method
        self.profile = profile
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// A card in an anneal run and its background check: the `annealCheck` table. A card passes when
/// its read-back after annealing is at most the background level; otherwise it is annealed again.
public struct AnnealCheck: Sendable, Hashable, Codable {
    public typealias ID = RecordID<AnnealCheck>

    public var id: ID?
    public var annealID: AnnealRecord.ID
    public var cardID: String
    /// Hp(10) read back after annealing, millisievert.
    public var residualHp10MilliSievert: Double
    /// The background level it was compared with, millisievert.
    public var backgroundLevelMilliSievert: Double
    public var passed: Bool
    public var checkedAt: Date

    public init(
        id: ID? = nil, annealID: AnnealRecord.ID, cardID: String, residualHp10MilliSievert: Double,
        backgroundLevelMilliSievert: Double, checkedAt: Date
    ) {
        self.id = id
        self.annealID = annealID
        self.cardID = cardID
        self.residualHp10MilliSievert = residualHp10MilliSievert
        self.backgroundLevelMilliSievert = backgroundLevelMilliSievert
        self.passed = residualHp10MilliSievert <= backgroundLevelMilliSievert
        self.checkedAt = checkedAt
    }
}
