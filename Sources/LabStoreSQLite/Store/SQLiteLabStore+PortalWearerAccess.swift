import Foundation
import GRDB
import LabStore

extension SQLiteLabStore: PortalWearerAccessStore {
    public func wearerAccounts(customerID: String) throws(LabStoreError) -> [PortalAccount] {
        try read("list wearer accounts") { db in
            try PortalAccount.filter(Column("role") == PortalRole.wearer.rawValue && Column("customerID") == customerID)
                .order(Column("userName")).fetchAll(db)
        }
    }

    public func setWearerAccess(accountID: Int64, granted: Bool, by account: PortalAccount) throws(LabStoreError) -> PortalAccount {
        try write("grant wearer access", table: PortalAccount.databaseTableName) { db in
            guard var row = try PortalAccount.fetchOne(db, key: accountID), row.role == .wearer,
                  let customerID = account.customerID, row.customerID == customerID, account.role == .customer else {
                throw LabStoreError.invalidRecord("no wearer account \(accountID) of this customer")
            }
            row.accessGranted = granted
            try row.update(db)
            try Self.appendAudit(PortalAuditEntry(at: now(), accountID: account.id, userName: account.userName,
                                                  action: granted ? "wearer access granted" : "wearer access revoked",
                                                  customerID: customerID, detail: "account \(row.userName), wearer \(row.wearerID ?? 0)"), in: db)
            return row
        }
    }
}
