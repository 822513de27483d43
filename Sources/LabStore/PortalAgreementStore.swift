import Foundation

/// The "create agreement" forms (table `portalAgreement`, migration `v12-portal2`). Every change
/// writes its audit line (`portalAudit`, detail `agreement #N`) in the same transaction.
public protocol PortalAgreementStore: Sendable {
    /// Inserts or updates a draft (or sends it, when `agreement.state == .sent`), audited as `action`
    /// by the submitter (no account); an outbox message (the resume link) is written with it when given.
    func saveAgreement(_ agreement: PortalAgreement, action: String, outbox: PortalOutboxMessage?) throws(LabStoreError) -> PortalAgreement
    func agreement(id: Int64) throws(LabStoreError) -> PortalAgreement?
    func agreement(resumeToken: String) throws(LabStoreError) -> PortalAgreement?
    func agreements(state: SubmissionState) throws(LabStoreError) -> [PortalAgreement]
    /// Creates the customer (the next `K-` number), its wearers and their enrolments through the
    /// master-data code of `tld customer add`, `tld wearer add` and `tld enrolment add`, marks the sent
    /// agreement accepted with the customer number and audits it: one transaction, all or nothing.
    func acceptAgreement(id: Int64, agreement: NewAgreement, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement
    /// Marks a sent agreement rejected with the reason, audited.
    func rejectAgreement(id: Int64, reason: String, by account: PortalAccount) throws(LabStoreError) -> PortalAgreement
}
