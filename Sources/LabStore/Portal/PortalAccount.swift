import Foundation

/// Who an account acts for in the portal.
public enum PortalRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// A customer's contact: sees and changes only that customer's data.
    case customer
    /// Lab staff: the queue of submitted changes, the audit trail and the outbox.
    case lab
    /// One wearer (a person monitored): sees only their own dose record, while their customer grants it.
    case wearer
}

/// A person who signs in to `tld serve` (table `portalAccount`, migration `v11-portal`). Only a
/// bcrypt hash of the password is stored.
public struct PortalAccount: Sendable, Hashable, Codable {
    public var id: Int64?
    public var userName: String
    public var passwordHash: String
    public var role: PortalRole
    /// The customer a customer or wearer account belongs to; nil for a lab account.
    public var customerID: String?
    public var displayName: String
    public var disabled: Bool
    public var createdAt: Date
    /// The wearer of a wearer account (migration `v12-portal2`).
    public var wearerID: Int64?
    /// A wearer account sees its dose record only while its customer's contact grants it.
    public var accessGranted: Bool

    public init(id: Int64? = nil, userName: String, passwordHash: String, role: PortalRole, customerID: String?,
                displayName: String = "", disabled: Bool = false, createdAt: Date = Date(), wearerID: Int64? = nil,
                accessGranted: Bool = false) {
        self.id = id
        self.userName = userName
        self.passwordHash = passwordHash
        self.role = role
        self.customerID = customerID
        self.displayName = displayName
        self.disabled = disabled
        self.createdAt = createdAt
        self.wearerID = wearerID
        self.accessGranted = accessGranted
    }
}
