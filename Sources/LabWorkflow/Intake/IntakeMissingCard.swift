import LabStore

/// A card of the customer's that should be in the envelope and is not: whose it is and for which
/// period, so the bench can ask the customer about the person, not about a number.
public struct IntakeMissingCard: Sendable, Hashable {
    public var cardID: String
    public var wearerName: String
    public var enrolmentNumber: String
    public var dosimeterType: DosimeterType
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay

    public init(cardID: String, wearerName: String, enrolmentNumber: String, dosimeterType: DosimeterType,
                periodStart: CalendarDay, periodEnd: CalendarDay) {
        self.cardID = cardID
        self.wearerName = wearerName
        self.enrolmentNumber = enrolmentNumber
        self.dosimeterType = dosimeterType
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }

    /// "card 10000016  Andersen, Anna (E-0001, whole-body)  period 2027-01-01–2027-01-31".
    public var line: String {
        "card \(cardID)  \(wearerName) (\(enrolmentNumber), \(dosimeterType.displayName))  period \(periodStart)–\(periodEnd)"
    }
}
