import Foundation

/// Who changed a dose record, when and why: the `doseAudit` table (append-only). Every dose
/// version and every change of its review state has one entry, written in the same transaction.
public struct DoseAuditEntry: Sendable, Hashable, Codable {
    public typealias ID = RecordID<DoseAuditEntry>

    /// What happened to the dose.
    public enum Action: String, Sendable, Hashable, Codable {
        /// A version was added by the dose algorithm.
        case evaluated
        /// A physicist accepted the dose as it is (released).
        case accepted
        /// A physicist entered a corrected dose (a new version).
        case corrected
        /// A physicist rejected the dose: no valid result (a new version without dose).
        case rejected
        /// The review state changed otherwise (e.g. released without review).
        case stateChanged
    }

    public var id: ID?
    public var doseID: DoseResult.ID
    public var cardID: String
    public var version: Int
    public var action: Action
    public var state: DoseState
    /// The person (or `system:<component>`) responsible.
    public var who: String
    public var why: String
    public var at: Date

    public init(
        id: ID? = nil, doseID: DoseResult.ID, cardID: String, version: Int, action: Action, state: DoseState,
        who: String, why: String, at: Date
    ) {
        self.id = id
        self.doseID = doseID
        self.cardID = cardID
        self.version = version
        self.action = action
        self.state = state
        self.who = who
        self.why = why
        self.at = at
    }
}

/// Who does a dose change and why: the input of the audited dose methods.
public struct DoseAudit: Sendable, Hashable {
    public var who: String
    public var why: String
    public init(who: String, why: String) {
        self.who = who
        self.why = why
    }

    /// The dose algorithm evaluating a card.
    public static let automatic = DoseAudit(who: "system:evaluator", why: "dose evaluation")
}
