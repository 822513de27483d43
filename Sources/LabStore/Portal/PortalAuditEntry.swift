import Foundation

/// One line of the portal's audit trail (table `portalAudit`, never changed or deleted): who, when,
/// what, for which customer, from which submission. Never a national ID, not even masked.
public struct PortalAuditEntry: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date
    public var accountID: Int64?
    public var userName: String
    public var action: String
    public var customerID: String?
    public var submissionID: Int64?
    public var detail: String

    public init(id: Int64? = nil, at: Date, accountID: Int64?, userName: String, action: String,
                customerID: String? = nil, submissionID: Int64? = nil, detail: String = "") {
        self.id = id
        self.at = at
        self.accountID = accountID
        self.userName = userName
        self.action = action
        self.customerID = customerID
        self.submissionID = submissionID
        self.detail = detail
    }
}

/// An e-mail the portal would send (table `portalOutbox`): the lab reads and forwards them.
public struct PortalOutboxMessage: Sendable, Hashable, Codable {
    public var id: Int64?
    public var at: Date
    public var recipient: String
    public var subject: String
    public var body: String
    public var submissionID: Int64?

    public init(id: Int64? = nil, at: Date, recipient: String, subject: String, body: String, submissionID: Int64? = nil) {
        self.id = id
        self.at = at
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.submissionID = submissionID
    }
}

/// What accepting a submission does to the master data, decided by the workflow layer and applied by
/// the store in the same transaction that marks the submission accepted and audits it.
public enum MasterDataChange: Sendable, Hashable {
    /// Enrol a person (found by national ID among the customer's wearers, or added).
    case enrol(name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?, enrolment: Enrolment)
    /// End an enrolment on this day (the deadline rule already applied).
    case endEnrolment(number: String, lastDay: CalendarDay)
    /// Enrol the person a card was handed over to (DOMAIN.md §2), from the card's latest issue.
    case handover(cardID: String, handover: HandoverEnrolment)
    /// Replace the customer's company data.
    case updateCustomer(Customer)
}
