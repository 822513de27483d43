import Foundation

/// Whose dose a dose result is, and for which period: the card's issue, followed through a handover
/// to the person who wore the card (DOMAIN.md §2), and that person's national-ID look-up hash.
public struct DosePerson: Sendable, Hashable {
    public var personLookup: Data
    public var wearerID: Wearer.ID
    public var wearerName: String
    public var customerID: String
    public var issueID: CardIssue.ID
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay
    public var dosimeterType: DosimeterType

    public init(personLookup: Data, wearerID: Wearer.ID, wearerName: String, customerID: String, issueID: CardIssue.ID,
                periodStart: CalendarDay, periodEnd: CalendarDay, dosimeterType: DosimeterType) {
        self.personLookup = personLookup
        self.wearerID = wearerID
        self.wearerName = wearerName
        self.customerID = customerID
        self.issueID = issueID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.dosimeterType = dosimeterType
    }
}
