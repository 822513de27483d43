import Foundation

/// One result the lab owes: a card's period, when the card came back and when its dose was released.
public struct ResultTiming: Sendable, Hashable {
    public var issueID: CardIssue.ID
    public var customerID: String
    public var cardID: String
    public var enrolmentNumber: String
    public var wearerName: String
    public var periodEnd: CalendarDay
    public var arrivedOn: CalendarDay?
    /// When the card's current dose was released (nil: not yet).
    public var releasedAt: Date?
    /// Retired on arrival: no result will come (a dose may be assigned).
    public var retiredOnArrival: Bool

    public init(issueID: CardIssue.ID, customerID: String, cardID: String, enrolmentNumber: String, wearerName: String, periodEnd: CalendarDay,
                arrivedOn: CalendarDay?, releasedAt: Date?, retiredOnArrival: Bool) {
        self.issueID = issueID
        self.customerID = customerID
        self.cardID = cardID
        self.enrolmentNumber = enrolmentNumber
        self.wearerName = wearerName
        self.periodEnd = periodEnd
        self.arrivedOn = arrivedOn
        self.releasedAt = releasedAt
        self.retiredOnArrival = retiredOnArrival
    }
}

/// The store side of results turnaround: every issue of a range of period ends with its arrival and
/// release times, in one read.
public protocol ResultTurnaroundStore: LabRecordStore {
    /// Issues whose period ends between `from` and `to` (inclusive), optionally of one customer, by period end.
    func resultTimings(periodEndFrom from: CalendarDay, to: CalendarDay, customerID: String?) throws(LabStoreError) -> [ResultTiming]
}
