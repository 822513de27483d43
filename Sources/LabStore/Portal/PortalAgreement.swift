import Foundation

/// A "create agreement" form (the service guide's "Opret aftale om dosisovervågning", DOMAIN.md §3),
/// filled in by a company that has no agreement yet, so by no account: its resume token is the
/// secret that opens it again (table `portalAgreement`, migration `v12-portal2`).
///
/// `fields` holds every field as typed except the first wearers' national IDs, which are kept only
/// sealed in `nationalIDs` (by field name, e.g. `wearer1NationalID`). SAVE keeps a `draft`, SEND
/// makes it `sent`, the lab accepts it once (the customer, its wearers and their enrolments are
/// created in one transaction and `customerID` is the number the lab assigned) or rejects it.
public struct PortalAgreement: Sendable, Hashable {
    public var id: Int64?
    public var state: SubmissionState
    public var fields: [String: String]
    public var nationalIDs: [String: ProtectedNationalID]
    public var submitterName: String
    public var submitterPhone: String
    public var submitterEmail: String
    public var resumeToken: String
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var decidedBy: Int64?
    public var decidedAt: Date?
    public var reason: String
    public var outcome: String
    /// The customer number assigned on acceptance.
    public var customerID: String?

    public init(id: Int64? = nil, state: SubmissionState = .draft, fields: [String: String] = [:],
                nationalIDs: [String: ProtectedNationalID] = [:], submitterName: String = "", submitterPhone: String = "",
                submitterEmail: String = "", resumeToken: String, createdAt: Date = Date(), updatedAt: Date = Date(),
                sentAt: Date? = nil, decidedBy: Int64? = nil, decidedAt: Date? = nil, reason: String = "", outcome: String = "",
                customerID: String? = nil) {
        self.id = id
        self.state = state
        self.fields = fields
        self.nationalIDs = nationalIDs
        self.submitterName = submitterName
        self.submitterPhone = submitterPhone
        self.submitterEmail = submitterEmail
        self.resumeToken = resumeToken
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sentAt = sentAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.reason = reason
        self.outcome = outcome
        self.customerID = customerID
    }

    /// A field as typed, or "".
    public subscript(field: String) -> String { fields[field] ?? "" }
}

/// What accepting an agreement creates: the customer (its number left empty: the lab assigns the
/// next one) and each first wearer with an enrolment.
public struct NewAgreement: Sendable, Hashable {
    public struct Wearer: Sendable, Hashable {
        public var name: String
        public var nationalID: ProtectedNationalID
        public var birthDate: CalendarDay?
        /// The enrolment; its wearer and customer are filled in when they exist.
        public var enrolment: Enrolment

        public init(name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?, enrolment: Enrolment) {
            self.name = name
            self.nationalID = nationalID
            self.birthDate = birthDate
            self.enrolment = enrolment
        }
    }

    public var customer: Customer
    public var wearers: [Wearer]

    public init(customer: Customer, wearers: [Wearer]) {
        self.customer = customer
        self.wearers = wearers
    }
}
