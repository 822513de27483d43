import Foundation

/// The customer portal's records: accounts, submissions, the audit trail and the outbox
/// (migration `v11-portal`). Every method that changes something writes its audit line in the
/// same transaction.
public protocol PortalStore: Sendable {
    /// Inserts an account; refuses a user name already taken or a customer account whose customer
    /// does not exist.
    func addAccount(_ account: PortalAccount) throws(LabStoreError) -> PortalAccount
    func account(userName: String) throws(LabStoreError) -> PortalAccount?
    func account(id: Int64) throws(LabStoreError) -> PortalAccount?
    func accounts() throws(LabStoreError) -> [PortalAccount]
    /// Disables (or enables again) an account; an account is never deleted, so the audit trail keeps
    /// its name.
    func setAccountDisabled(userName: String, disabled: Bool) throws(LabStoreError) -> PortalAccount

    /// Inserts or updates a draft (or sends it, when `submission.state == .sent`), audited as
    /// `action` by `account`; an outbox message (the resume link) is written with it when given.
    func saveSubmission(_ submission: PortalSubmission, by account: PortalAccount, action: String,
                        outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalSubmission
    func submission(id: Int64) throws(LabStoreError) -> PortalSubmission?
    func submission(resumeToken: String) throws(LabStoreError) -> PortalSubmission?
    func submissions(customerID: String) throws(LabStoreError) -> [PortalSubmission]
    func submissions(state: SubmissionState) throws(LabStoreError) -> [PortalSubmission]

    /// Applies `change` to the master data, marks the sent submission accepted with `outcome` and
    /// audits it, in one transaction: all or nothing.
    func acceptSubmission(id: Int64, change: MasterDataChange, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission
    /// Marks a sent submission rejected with the reason, audited.
    func rejectSubmission(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalSubmission

    /// Appends one audit line (sign-in, sign-out, refused access).
    func audit(_ entry: PortalAuditEntry) throws(LabStoreError)
    /// The audit trail, newest first (of one submission when given).
    func auditTrail(submissionID: Int64?) throws(LabStoreError) -> [PortalAuditEntry]
    /// Writes one outbox message.
    func saveOutbox(_ message: PortalOutboxMessage) throws(LabStoreError)
    /// The outbox, newest first.
    func outbox() throws(LabStoreError) -> [PortalOutboxMessage]
}
