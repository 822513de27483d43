import Foundation

/// An outgoing delivery of cards to a customer (one packing slip): the `shipment` table.
public struct Shipment: Sendable, Hashable, Codable {
    public typealias ID = RecordID<Shipment>

    public var id: ID?
    public var customerID: String
    /// The dispatch date: prices in force on it apply (DOMAIN.md §3).
    public var dispatchedOn: CalendarDay
    public var createdAt: Date

    public init(id: ID? = nil, customerID: String, dispatchedOn: CalendarDay, createdAt: Date) {
        self.id = id
        self.customerID = customerID
        self.dispatchedOn = dispatchedOn
        self.createdAt = createdAt
    }
}

/// A customer's envelope of returned cards, opened at intake: the `customerReturn` table.
public struct CustomerReturn: Sendable, Hashable, Codable {
    public typealias ID = RecordID<CustomerReturn>

    public var id: ID?
    public var customerID: String
    public var arrivedOn: CalendarDay
    public var openedAt: Date
    /// Set when the technician closes the intake.
    public var closedAt: Date?

    public init(id: ID? = nil, customerID: String, arrivedOn: CalendarDay, openedAt: Date, closedAt: Date? = nil) {
        self.id = id
        self.customerID = customerID
        self.arrivedOn = arrivedOn
        self.openedAt = openedAt
        self.closedAt = closedAt
    }
}

/// One scan at intake and what the lab made of it (accepted or why not): the `returnScan` table.
/// Append-only: the bench log of every scan, including refused ones.
public struct ReturnScan: Sendable, Hashable, Codable {
    public typealias ID = RecordID<ReturnScan>

    public var id: ID?
    public var returnID: CustomerReturn.ID
    /// What the scanner or the technician gave.
    public var scannedCode: String
    /// The outcome's code, e.g. `accepted`, `unknownCard`, `otherCustomer`.
    public var outcome: String
    public var message: String
    public var scannedAt: Date

    public init(id: ID? = nil, returnID: CustomerReturn.ID, scannedCode: String, outcome: String, message: String, scannedAt: Date) {
        self.id = id
        self.returnID = returnID
        self.scannedCode = scannedCode
        self.outcome = outcome
        self.message = message
        self.scannedAt = scannedAt
    }
}

/// The price of one card of a type from a date on, in minor currency units (øre), excluding VAT.
public struct CardPrice: Sendable, Hashable, Codable {
    public var dosimeterType: DosimeterType
    public var validFrom: CalendarDay
    /// Price per card excluding VAT, in minor units (e.g. øre: 12 500 = 125.00 DKK).
    public var priceMinorUnits: Int
    public var currency: String

    public init(dosimeterType: DosimeterType, validFrom: CalendarDay, priceMinorUnits: Int, currency: String = "DKK") {
        self.dosimeterType = dosimeterType
        self.validFrom = validFrom
        self.priceMinorUnits = priceMinorUnits
        self.currency = currency
    }
}
