import Foundation

/// A notification to the authority for a notifiable case (seeds/003 section 8), raised on the day the
/// dose that crossed the threshold is released, and tracked until marked sent (who, when, how). One per
/// case (UNIQUE); once sent it never changes (trigger).
public struct AuthorityNotification: Sendable, Hashable, Codable {
    public typealias ID = RecordID<AuthorityNotification>

    public var id: ID?
    public var caseID: LevelCase.ID
    /// "N-2026-0001": the document's report number.
    public var reportNumber: String
    public var raisedOn: CalendarDay
    public var raisedAt: Date
    public var sentAt: Date?
    public var sentBy: String?
    public var sentHow: NotificationChannel?

    public init(id: ID? = nil, caseID: LevelCase.ID, reportNumber: String, raisedOn: CalendarDay, raisedAt: Date,
                sentAt: Date? = nil, sentBy: String? = nil, sentHow: NotificationChannel? = nil) {
        self.id = id
        self.caseID = caseID
        self.reportNumber = reportNumber
        self.raisedOn = raisedOn
        self.raisedAt = raisedAt
        self.sentAt = sentAt
        self.sentBy = sentBy
        self.sentHow = sentHow
    }

    public var isSent: Bool { sentAt != nil }
}
