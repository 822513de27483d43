import Foundation

/// What a ledger row charges for (DOMAIN.md §3).
public enum ChargeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A card sent, at the price in force on the dispatch day.
    case cardSent
    /// Compensation for a card not returned three months after its period ended.
    case notReturned
    /// Compensation for a card damaged by the customer.
    case damaged

    public var displayName: String {
        switch self {
        case .cardSent: "card sent"
        case .notReturned: "compensation: not returned"
        case .damaged: "compensation: damaged"
        }
    }
}

/// One row of the charges ledger: the `charge` table. Append-only (a trigger refuses updates and
/// deletes): a compensation once due stays, also when the card comes back later. At most one row per
/// issue and kind, so recording the same day twice charges nothing twice.
public struct Charge: Sendable, Hashable, Codable {
    public typealias ID = RecordID<Charge>

    public var id: ID?
    public var customerID: String
    public var kind: ChargeKind
    public var issueID: CardIssue.ID
    public var cardID: String
    public var dosimeterType: DosimeterType
    /// The day the charge fell due: the dispatch day, the day after the last on-time return date, or
    /// the day a damaged card arrived.
    public var dueOn: CalendarDay
    /// The day whose price list applies: the dispatch day, or the last on-time return date.
    public var priceDay: CalendarDay
    /// Excluding VAT, minor units (øre).
    public var amountMinorUnits: Int
    public var currency: String
    /// Sent free of charge (amount 0, marked on the packing slip).
    public var free: Bool
    public var note: String
    public var recordedAt: Date

    public init(
        id: ID? = nil, customerID: String, kind: ChargeKind, issueID: CardIssue.ID, cardID: String,
        dosimeterType: DosimeterType, dueOn: CalendarDay, priceDay: CalendarDay, amountMinorUnits: Int,
        currency: String = "DKK", free: Bool = false, note: String = "", recordedAt: Date = Date()
    ) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.issueID = issueID
        self.cardID = cardID
        self.dosimeterType = dosimeterType
        self.dueOn = dueOn
        self.priceDay = priceDay
        self.amountMinorUnits = amountMinorUnits
        self.currency = currency
        self.free = free
        self.note = note
        self.recordedAt = recordedAt
    }
}
