import Foundation

/// A card assigned to one wearer (through an enrolment) for one wear period: the `cardIssue` table.
public struct CardIssue: Sendable, Hashable, Codable {
    public typealias ID = RecordID<CardIssue>

    public var id: ID?
    public var cardID: String
    public var enrolmentID: Enrolment.ID
    public var customerID: String
    /// First and last day of wear, inclusive.
    public var periodStart: CalendarDay
    public var periodEnd: CalendarDay
    public var issuedAt: Date
    /// The outgoing shipment the card went in.
    public var shipmentID: Shipment.ID?
    /// The return it came back in, and the day it arrived.
    public var returnID: CustomerReturn.ID?
    public var arrivedOn: CalendarDay?
    /// Reported at return: the card was worn by another person (name only; their ID goes to a new enrolment).
    public var handedOverToName: String?
    /// The batch that read it.
    public var batchID: ReadoutBatch.ID?

    public init(
        id: ID? = nil, cardID: String, enrolmentID: Enrolment.ID, customerID: String, periodStart: CalendarDay,
        periodEnd: CalendarDay, issuedAt: Date, shipmentID: Shipment.ID? = nil, returnID: CustomerReturn.ID? = nil,
        arrivedOn: CalendarDay? = nil, handedOverToName: String? = nil, batchID: ReadoutBatch.ID? = nil
    ) {
        self.id = id
        self.cardID = cardID
        self.enrolmentID = enrolmentID
        self.customerID = customerID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.issuedAt = issuedAt
        self.shipmentID = shipmentID
        self.returnID = returnID
        self.arrivedOn = arrivedOn
        self.handedOverToName = handedOverToName
        self.batchID = batchID
    }

    /// Days from the period's end to arrival (positive = after the end).
    public var daysLate: Int? { arrivedOn.map { periodEnd.days(to: $0) } }
}
