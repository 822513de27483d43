import Foundation

/// Wearer accounts of the portal (migration `v12-portal2`): a person's own dose record, shown only
/// while their customer's contact grants it.
public protocol PortalWearerAccessStore: Sendable {
    /// The wearer accounts of a customer's wearers, by user name.
    func wearerAccounts(customerID: String) throws(LabStoreError) -> [PortalAccount]
    /// Grants or revokes a wearer account's access, by an account of the same customer; audited.
    /// Refuses (`invalidRecord`) an account that is not a wearer account of that customer.
    func setWearerAccess(accountID: Int64, granted: Bool, by account: PortalAccount) throws(LabStoreError) -> PortalAccount
}
