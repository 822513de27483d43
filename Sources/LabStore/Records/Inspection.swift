import Foundation

/// Physical damage found on a card or one of its pellets.
public enum DamageCode: String, Sendable, Hashable, Codable, CaseIterable {
    case crackedPellet
    case missingPellet
    case loosePhosphor
    case bubble
    case contamination
    case missingHolderFilter

    public var displayName: String {
        switch self {
        case .crackedPellet: "cracked pellet"
        case .missingPellet: "missing pellet"
        case .loosePhosphor: "loose phosphor"
        case .bubble: "bubble"
        case .contamination: "contamination"
        case .missingHolderFilter: "missing holder filter"
        }
    }
}

/// One damage finding; `element` nil = the card or its holder as a whole.
public struct Damage: Sendable, Hashable, Codable {
    public var code: DamageCode
    public var element: Int?
    public init(_ code: DamageCode, element: Int? = nil) {
        self.code = code
        self.element = element
    }

    public var description: String { element.map { "\(code.displayName) (element \($0))" } ?? code.displayName }
}

/// What an inspection decided.
public enum InspectionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// No damage that matters: read out (or reissue) as usual.
    case fit
    /// Read out, but the result goes through manual QA and carries a remark.
    case manualQA
    /// Take the card out of service; compensation is due when the customer damaged it.
    case retire
}

/// When the card was looked at.
public enum InspectionStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// On arrival, before readout.
    case arrival
    /// After anneal and zeroing, before reissue.
    case beforeReissue
}

/// One inspection of one card: the `cardInspection` table (append-only).
public struct CardInspection: Sendable, Hashable, Codable {
    public typealias ID = RecordID<CardInspection>

    public var id: ID?
    public var cardID: String
    public var issueID: CardIssue.ID?
    public var stage: InspectionStage
    public var outcome: InspectionOutcome
    /// JSON array of ``Damage``.
    public var damages: [Damage]
    public var remark: String
    public var inspectedBy: String
    public var inspectedAt: Date

    public init(
        id: ID? = nil, cardID: String, issueID: CardIssue.ID?, stage: InspectionStage, outcome: InspectionOutcome,
        damages: [Damage], remark: String = "", inspectedBy: String, inspectedAt: Date
    ) {
        self.id = id
        self.cardID = cardID
        self.issueID = issueID
        self.stage = stage
        self.outcome = outcome
        self.damages = damages
        self.remark = remark
        self.inspectedBy = inspectedBy
        self.inspectedAt = inspectedAt
    }
}
