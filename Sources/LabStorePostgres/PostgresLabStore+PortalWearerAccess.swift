import Foundation
import LabStore
import PostgresNIO

/// Wearer accounts of the portal on PostgreSQL (``PortalWearerAccessStore``; the SQLite twin:
/// SQLiteLabStore+PortalWearerAccess.swift, the same refusal and audit line). The account row is
/// locked while its access changes.
extension PostgresLabStore: PortalWearerAccessStore {
    public func wearerAccounts(customerID: String) throws(LabStoreError) -> [PortalAccount] {
        try withSession("list wearer accounts") { session in
            var b = PostgresBindings()
            b.append(PortalRole.wearer.rawValue); b.append(customerID)
            return try session.query("""
                SELECT \(Self.accountColumns) FROM portalAccount WHERE role = $1 AND customerID = $2 ORDER BY tld_nocase(userName) COLLATE "C"
                """, b).map(Self.decodeAccount)
        }
    }

    public func setWearerAccess(accountID: Int64, granted: Bool, by account: PortalAccount) throws(LabStoreError) -> PortalAccount {
        let stamp = storedTime(now())
        return try transaction("grant wearer access") { session -> PortalAccount in
            guard var row = try Self.account(id: accountID, forUpdate: true, in: session), row.role == .wearer,
                  let customerID = account.customerID, row.customerID == customerID, account.role == .customer else {
                throw LabStoreError.invalidRecord("no wearer account \(accountID) of this customer")
            }
            row.accessGranted = granted
            var b = PostgresBindings()
            b.append(granted); b.append(accountID)
            try session.execute("UPDATE portalAccount SET accessGranted = $1 WHERE id = $2", b)
            try Self.appendAudit(PortalAuditEntry(at: stamp, accountID: account.id, userName: account.userName,
                                                  action: granted ? "wearer access granted" : "wearer access revoked",
                                                  customerID: customerID, detail: "account \(row.userName), wearer \(row.wearerID ?? 0)"),
                                 in: session)
            return row
        }
    }
}
