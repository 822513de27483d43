import Foundation

/// One card of an outgoing shipment with what it is charged: an ``IssueRequest`` plus its price.
public struct DispatchLine: Sendable, Hashable {
    public var request: IssueRequest
    /// Price excluding VAT in minor units (0 when `free`).
    public var priceMinorUnits: Int
    public var currency: String
    /// Sent free of charge: marked on the packing slip.
    public var free: Bool
    public var note: String

    public init(request: IssueRequest, priceMinorUnits: Int, currency: String = "DKK", free: Bool = false, note: String = "") {
        self.request = request
        self.priceMinorUnits = free ? 0 : priceMinorUnits
        self.currency = currency
        self.free = free
        self.note = note
    }
}

/// One card of a shipment as its documents print it (see ``DispatchStore/shipmentLines(_:)``).
public struct ShipmentLine: Sendable, Hashable {
    public var issueID: CardIssue.ID
    public var cardID: String
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay
    public var enrolmentNumber: String
    public var dosimeterType: DosimeterType
    public var wearerName: String
    /// Sealed; decrypt only to print the first four digits.
    public var nationalID: ProtectedNationalID
    /// The `cardSent` charge, nil for a shipment made before the ledger existed.
    public var chargedMinorUnits: Int?
    public var currency: String?
    public var free: Bool

    public init(issueID: CardIssue.ID, cardID: String, periodStart: CalendarDay, periodEnd: CalendarDay, enrolmentNumber: String,
                dosimeterType: DosimeterType, wearerName: String, nationalID: ProtectedNationalID, chargedMinorUnits: Int?,
                currency: String?, free: Bool) {
        self.issueID = issueID
        self.cardID = cardID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.enrolmentNumber = enrolmentNumber
        self.dosimeterType = dosimeterType
        self.wearerName = wearerName
        self.nationalID = nationalID
        self.chargedMinorUnits = chargedMinorUnits
        self.currency = currency
        self.free = free
    }
}

/// The store's part in dispatch, price lists and the charges ledger (DOMAIN.md §2–3).
///
/// ```swift
/// let shipment = try store.dispatch(lines, customerID: "K-1001", dispatchedOn: day)
/// try store.recordCharges(compensations)   // idempotent: one row per issue and kind
/// ```
public protocol DispatchStore: LabRecordStore {
    // MARK: Price lists

    func cardPrices() throws(LabStoreError) -> [CardPrice]
    /// Inserts or replaces the compensation amount of a type from a day on.
    func saveCompensationPrice(_ price: CompensationPrice) throws(LabStoreError)
    /// The compensation amount in force on `day` for a type.
    func compensationPrice(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CompensationPrice?
    func compensationPrices() throws(LabStoreError) -> [CompensationPrice]

    // MARK: Dispatch

    /// Every enrolment of every customer that has not ended before `day`, by customer then id.
    func enrolments(activeOn day: CalendarDay) throws(LabStoreError) -> [Enrolment]
    /// The issue with the latest period of every enrolment that has one (one read for a whole
    /// dispatch run; earlier periods do not decide what is sent next).
    func latestIssueByEnrolment() throws(LabStoreError) -> [Enrolment.ID: CardIssue]
    /// Creates a shipment, issues each card for its enrolment and period, and records a `cardSent`
    /// charge per card, all in one transaction: a kill leaves either the whole shipment or nothing.
    /// - Throws: ``LabStoreError/cardInWrongState(cardID:state:step:)`` for a card that is not
    ///   `available`; ``LabStoreError/constraintViolation(operation:message:)`` when the enrolment
    ///   already has a card for that period.
    func dispatch(_ lines: [DispatchLine], customerID: String, dispatchedOn: CalendarDay) throws(LabStoreError) -> Shipment
    /// A shipment's cards with what its packing slip and labels print, in one read: the issue, the
    /// enrolment, the wearer (national ID sealed) and the `cardSent` charge. By card number.
    func shipmentLines(_ shipment: Shipment.ID) throws(LabStoreError) -> [ShipmentLine]
    /// Every shipment dispatched on `day`, by id.
    func shipments(dispatchedOn day: CalendarDay) throws(LabStoreError) -> [Shipment]

    // MARK: Charges ledger

    /// Records charges that fell due; a charge for an issue and kind already in the ledger is kept as
    /// it is. Returns the rows newly recorded.
    @discardableResult
    func recordCharges(_ charges: [Charge]) throws(LabStoreError) -> [Charge]
    /// Ledger rows due between `from` and `to` (inclusive, either open), for one customer or all, by
    /// customer, due day and id.
    func charges(customerID: String?, from: CalendarDay?, to: CalendarDay?) throws(LabStoreError) -> [Charge]
    /// The ledger rows of a shipment's cards.
    func charges(shipment: Shipment.ID) throws(LabStoreError) -> [Charge]
}
