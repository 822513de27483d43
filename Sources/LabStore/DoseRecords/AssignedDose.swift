import Foundation

/// A dose assigned to a period whose dosimeter gave none — lost, not returned, or unreadable — the
/// `assignedDose` table. Always shown as assigned, with its method, who and why.
///
/// Methods (Czech monitoring-programme template, §5 c; DOMAIN.md §4): `colleague` — the dose measured
/// on a named colleague (or the highest of a group) doing the same work at the same workplace in the
/// same period; `notional` — a value a physicist enters with the reason. Append-only: a correction is a
/// new row that ``replacesID`` the old one.
public struct AssignedDose: Sendable, Hashable, Codable {
    public typealias ID = RecordID<AssignedDose>

    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Method (c): the dose of a named colleague or group.
        case colleague
        /// A notional dose entered by a physicist.
        case notional
    }

    /// Why the dosimeter gave no dose.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Reported lost by the customer.
        case lost
        /// Not come back.
        case notReturned
        /// Came back but gave no valid result (damaged, rejected, no stored element).
        case unreadable
    }

    public var id: ID?
    public var issueID: CardIssue.ID
    public var method: Method
    public var reason: Reason
    public var hp10MilliSievert: Double?
    public var hp007MilliSievert: Double?
    /// JSON array of the colleagues' issue ids (method (c)); `[]` for a notional dose.
    public var sourceIssueIDs: String
    public var who: String
    public var why: String
    public var assignedAt: Date
    /// The assigned dose this one corrects.
    public var replacesID: ID?

    public init(
        id: ID? = nil, issueID: CardIssue.ID, method: Method, reason: Reason, hp10MilliSievert: Double?, hp007MilliSievert: Double?,
        sourceIssues: [CardIssue.ID] = [], who: String, why: String, assignedAt: Date = Date(), replacesID: ID? = nil
    ) {
        self.id = id
        self.issueID = issueID
        self.method = method
        self.reason = reason
        self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert
        self.sourceIssueIDs = "[" + sourceIssues.map { String($0.rawValue) }.joined(separator: ",") + "]"
        self.who = who
        self.why = why
        self.assignedAt = assignedAt
        self.replacesID = replacesID
    }

    /// The colleagues' issues whose dose was taken (method (c)).
    public var sourceIssues: [CardIssue.ID] {
        sourceIssueIDs.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            .split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }.map(CardIssue.ID.init(rawValue:))
    }

    /// One line for documents: "assigned (colleague's dose, issue 12) by Dr. P: card lost".
    public var remark: String {
        let how = method == .colleague
            ? "method (c): dose of colleague's dosimeter" + (sourceIssues.count > 1 ? "s (highest of \(sourceIssues.count))" : "")
            : "notional dose"
        return "ASSIGNED dose (\(how); dosimeter \(reason == .notReturned ? "not returned" : reason.rawValue)) by \(who): \(why)"
    }
}
