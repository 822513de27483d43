import Foundation

/// One card to put in an outgoing shipment: which card, for which enrolment and wear period.
public struct IssueRequest: Sendable, Hashable {
    public var cardID: String
    public var enrolmentID: Enrolment.ID
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay

    public init(cardID: String, enrolmentID: Enrolment.ID, periodStart: CalendarDay, periodEnd: CalendarDay) {
        self.cardID = cardID
        self.enrolmentID = enrolmentID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
    }
}

/// The lab's records beyond readout: customers, wearers, enrolments, cards, issues, shipments,
/// returns (intake), and the dose audit trail. It refines ``DoseStore`` and the card cycle's role
/// (``CardCycleStore``: inspections, read and released, anneal and zeroing); issuing and intake, the
/// cycle's moves that write customer records too, are here.
///
/// Every write is one transaction. The card cycle's interlocks (see ``CardState``) are checked here
/// in code, with a clear ``LabStoreError``, and again by the database's triggers that no writer can
/// bypass.
///
/// ```swift
/// let shipment = try store.issueCards([IssueRequest(cardID: "10000016", enrolmentID: e.id!,
///     periodStart: start, periodEnd: end)], customerID: "K-1042", dispatchedOn: today)
/// ```
public protocol LabRecordStore: DoseStore, CardCycleStore {
    // MARK: Customers, wearers, enrolments

    /// Inserts or updates a customer.
    func saveCustomer(_ customer: Customer) throws(LabStoreError) -> Customer
    func customer(id: String) throws(LabStoreError) -> Customer?
    func customers() throws(LabStoreError) -> [Customer]

    /// Adds a wearer, or returns the customer's wearer with the same national ID (by its keyed hash).
    func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID) throws(LabStoreError) -> Wearer
    func wearer(id: Wearer.ID) throws(LabStoreError) -> Wearer?
    func wearers(customerID: String) throws(LabStoreError) -> [Wearer]

    /// Stores a new enrolment and assigns its `TILM-` number.
    func enrol(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment
    func enrolment(id: Enrolment.ID) throws(LabStoreError) -> Enrolment?
    func enrolments(customerID: String) throws(LabStoreError) -> [Enrolment]
    /// Sets or clears an enrolment's end date (unsubscribing).
    func setEnrolmentEnd(id: Enrolment.ID, endDate: CalendarDay?) throws(LabStoreError) -> Enrolment

    // MARK: Cards and prices

    /// Adds new cards to stock (state `available`, elements zeroed now). Existing cards are kept as they are.
    func addCards(_ cards: [Card]) throws(LabStoreError)
    func savePrice(_ price: CardPrice) throws(LabStoreError)
    /// The price in force on `day` for a type.
    func price(of type: DosimeterType, on day: CalendarDay) throws(LabStoreError) -> CardPrice?

    // MARK: Shipments and issues

    /// Creates a shipment and issues each card for its enrolment and period, all in one transaction.
    /// - Throws: ``LabStoreError/cardInWrongState(cardID:state:step:)`` for a card that is not
    ///   `available`, ``LabStoreError/cardTypeMismatch(cardID:card:enrolment:)``.
    func issueCards(_ requests: [IssueRequest], customerID: String, dispatchedOn: CalendarDay) throws(LabStoreError) -> Shipment
    func shipments(customerID: String) throws(LabStoreError) -> [Shipment]
    func issues(shipment: Shipment.ID) throws(LabStoreError) -> [CardIssue]
    func issue(id: CardIssue.ID) throws(LabStoreError) -> CardIssue?
    /// Every issue of a customer, by period start then card.
    func issues(customerID: String) throws(LabStoreError) -> [CardIssue]
    /// Issues of a customer not yet returned.
    func outstandingIssues(customerID: String) throws(LabStoreError) -> [CardIssue]
    /// The issue a card is on now (issued to being zeroed), if any.
    func currentIssue(cardID: String) throws(LabStoreError) -> CardIssue?

    // MARK: Returns (intake)

    /// Opens a return for a customer, or gives back the customer's open one.
    func openReturn(customerID: String, arrivedOn: CalendarDay) throws(LabStoreError) -> CustomerReturn
    func openReturns() throws(LabStoreError) -> [CustomerReturn]
    func closeReturn(id: CustomerReturn.ID) throws(LabStoreError) -> CustomerReturn
    /// Logs a scan that was not accepted (the bench log keeps every scan).
    func logScan(_ scan: ReturnScan) throws(LabStoreError) -> ReturnScan
    func scans(returnID: CustomerReturn.ID) throws(LabStoreError) -> [ReturnScan]
    /// Accepts a returned card: its issue gets the return and arrival date (and a reported handover),
    /// the card moves `issued → returned`, and the scan is logged, in one transaction.
    func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> CardIssue
    /// ``acceptReturnedCard(issueID:returnID:handedOverToName:scannedCode:outcome:message:)`` for a card
    /// handed over to a person the lab enrols: in the same transaction the person is recorded as a
    /// wearer of the customer (or found by national ID) and enrolled for the card's dosimeter type and
    /// period length from `handover.startDate`, unless they already have such an enrolment. Returns the
    /// issue and the person's enrolment.
    func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handover: HandoverEnrolment, scannedCode: String,
        outcome: String, message: String
    ) throws(LabStoreError) -> (issue: CardIssue, enrolment: Enrolment)
    /// Enrols the person a card of `issueID` was handed over to, when the customer reports it after the
    /// card was taken in: the person recorded as a wearer of the card's customer (or found by national
    /// ID) and enrolled like ``acceptReturnedCard(issueID:returnID:handover:scannedCode:outcome:message:)``
    /// does, in one transaction. Returns their enrolment, an existing one of the same dosimeter type if any.
    func enrolHandover(issueID: CardIssue.ID, handover: HandoverEnrolment) throws(LabStoreError) -> Enrolment

    // MARK: Audited doses

    /// ``DoseStore/saveDose(_:)`` with who and why in the audit trail.
    func saveDose(_ evaluation: DoseEvaluation, audit: DoseAudit, action: DoseAuditEntry.Action) throws(LabStoreError) -> DoseResult
    /// ``DoseStore/setDoseState(id:to:)`` with who and why in the audit trail.
    func setDoseState(id: DoseResult.ID, to state: DoseState, audit: DoseAudit, action: DoseAuditEntry.Action) throws(LabStoreError) -> DoseResult
    func doseAudit(cardID: String) throws(LabStoreError) -> [DoseAuditEntry]
    /// Current doses in `needsReview`, over all batches.
    func dosesNeedingReview() throws(LabStoreError) -> [DoseResult]
    func dose(id: DoseResult.ID) throws(LabStoreError) -> DoseResult?
}

extension LabRecordStore {
    /// Accepts a returned card, logging the scan as `accepted`.
    public func acceptReturnedCard(
        issueID: CardIssue.ID, returnID: CustomerReturn.ID, handedOverToName: String?, scannedCode: String, message: String
    ) throws(LabStoreError) -> CardIssue {
        try acceptReturnedCard(issueID: issueID, returnID: returnID, handedOverToName: handedOverToName,
                               scannedCode: scannedCode, outcome: "accepted", message: message)
    }
}
