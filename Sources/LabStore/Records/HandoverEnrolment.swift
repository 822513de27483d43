/// A card reported as worn by another person (DOMAIN.md §2), with what the lab needs to enrol that
/// person: recorded with the card's return in one transaction, so a crash can never leave a card
/// taken in whose new wearer was forgotten.
public struct HandoverEnrolment: Sendable, Hashable {
    /// The person the card was handed over to.
    public var name: String
    /// Their sealed national ID (never in clear, never logged).
    public var nationalID: ProtectedNationalID
    /// Start of the new enrolment: the period after the handed-over card's period.
    public var startDate: CalendarDay
    /// The day the lab learnt of it (the return's arrival date).
    public var orderedOn: CalendarDay
    /// The birth date the national ID carries (``NationalIDBirthDate``), for a wearer added by the handover.
    public var birthDate: CalendarDay?

    public init(name: String, nationalID: ProtectedNationalID, startDate: CalendarDay, orderedOn: CalendarDay, birthDate: CalendarDay? = nil) {
        self.birthDate = birthDate
        self.name = name
        self.nationalID = nationalID
        self.startDate = startDate
        self.orderedOn = orderedOn
    }
}
