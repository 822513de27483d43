/// The compensation charged for a card of a type that is not returned in time or is damaged by the
/// customer, from a date on, in minor currency units (øre), excluding VAT: the `compensationPrice`
/// table. The amount in force on the card's last on-time return date applies (DOMAIN.md §3).
public struct CompensationPrice: Sendable, Hashable, Codable {
    public var dosimeterType: DosimeterType
    public var validFrom: CalendarDay
    /// Compensation per card excluding VAT, in minor units (e.g. øre: 45 000 = 450.00 DKK).
    public var amountMinorUnits: Int
    public var currency: String

    public init(dosimeterType: DosimeterType, validFrom: CalendarDay, amountMinorUnits: Int, currency: String = "DKK") {
        self.dosimeterType = dosimeterType
        self.validFrom = validFrom
        self.amountMinorUnits = amountMinorUnits
        self.currency = currency
    }
}
