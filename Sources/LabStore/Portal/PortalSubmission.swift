import Foundation

/// The changes of the service guide's "submit changes" form (DOMAIN.md §3).
public enum SubmissionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case enrol, unenrol, handover, companyData
}

/// Where a submission is: SAVE keeps a `draft`, SEND makes it `sent`, the lab decides it once.
public enum SubmissionState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, sent, accepted, rejected
}

/// One change a customer made through the portal (table `portalSubmission`).
///
/// `fields` holds every field as typed (so nothing is lost on an error or between SAVE and resume),
/// except the national ID, which is only ever kept sealed in `nationalID`.
public struct PortalSubmission: Sendable, Hashable {
    public var id: Int64?
    public var customerID: String
    public var kind: SubmissionKind
    public var state: SubmissionState
    public var fields: [String: String]
    public var nationalID: ProtectedNationalID?
    public var submitterName: String
    public var submitterPhone: String
    public var submitterEmail: String
    /// The secret of the resume link.
    public var resumeToken: String
    public var createdBy: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    public var decidedBy: Int64?
    public var decidedAt: Date?
    /// Why the lab rejected it.
    public var reason: String
    /// What accepting it did, e.g. "TILM-00000007 enrolled".
    public var outcome: String

    public init(id: Int64? = nil, customerID: String, kind: SubmissionKind, state: SubmissionState = .draft,
                fields: [String: String] = [:], nationalID: ProtectedNationalID? = nil,
                submitterName: String = "", submitterPhone: String = "", submitterEmail: String = "",
                resumeToken: String, createdBy: Int64, createdAt: Date = Date(), updatedAt: Date = Date(),
                sentAt: Date? = nil, decidedBy: Int64? = nil, decidedAt: Date? = nil, reason: String = "", outcome: String = "") {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.state = state
        self.fields = fields
        self.nationalID = nationalID
        self.submitterName = submitterName
        self.submitterPhone = submitterPhone
        self.submitterEmail = submitterEmail
        self.resumeToken = resumeToken
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sentAt = sentAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.reason = reason
        self.outcome = outcome
    }

    /// A field as typed, or "".
    public subscript(field: String) -> String { fields[field] ?? "" }
}
