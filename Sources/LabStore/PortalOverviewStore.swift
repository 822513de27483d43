import Foundation

/// How current a customer's enrolment overview is (table `portalOverviewVersion`, migration
/// `v12-portal2`): triggers raise the counter in the same transaction as any change to the customer's
/// enrolments or wearers, from any program.
public protocol PortalOverviewStore: Sendable {
    /// The customer's counter; 0 before any change since the migration.
    func overviewVersion(customerID: String) throws(LabStoreError) -> Int64
}
