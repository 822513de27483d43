import Foundation

/// A card the lab expects at the reader: on an open issue, returned or inspected and not read yet,
/// with what the lab's records say about it (its issue, wearer's enrolment, period, type and last anneal).
public struct ExpectedCard: Sendable, Hashable {
    public var cardID: String
    public var issueID: CardIssue.ID
    public var customerID: String
    public var enrolmentID: Enrolment.ID
    public var dosimeterType: DosimeterType
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay
    /// End of the last anneal run whose background check the card passed before it was issued.
    public var annealedAt: Date?
    /// When the card's elements were last zeroed in the records (stock entry or zeroing after anneal).
    public var zeroedAt: Date?

    public init(
        cardID: String, issueID: CardIssue.ID, customerID: String, enrolmentID: Enrolment.ID, dosimeterType: DosimeterType,
        periodStart: CalendarDay, periodEnd: CalendarDay, annealedAt: Date?, zeroedAt: Date?
    ) {
        self.cardID = cardID
        self.issueID = issueID
        self.customerID = customerID
        self.enrolmentID = enrolmentID
        self.dosimeterType = dosimeterType
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.annealedAt = annealedAt
        self.zeroedAt = zeroedAt
    }
}
