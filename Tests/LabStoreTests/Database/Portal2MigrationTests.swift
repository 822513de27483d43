import Foundation
import GRDB
import Logging
import Testing
@testable import LabStore
@testable import LabStoreSQLite

/// Migration v12-portal2 on a lab database that already has portal accounts (v11-portal): the
/// accounts are kept, and the program that migrates reads them at once (its reader connection,
/// opened before the migration, must see the rebuilt `portalAccount`).
@Suite struct Portal2MigrationTests {
    @Test func accountsSurviveAndAreReadByTheProgramThatMigrated() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("Portal2Migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tld.sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try LabMigrations.makeMigrator().migrate(pool, upTo: PortalMigration.name)
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO customer (id, name, deliveryAddress, contactEmail) VALUES ('K-1001', 'A', 'Vej 1', '');
                    INSERT INTO portalAccount (userName, passwordHash, role, customerID, disabled, createdAt)
                    VALUES ('demo', '$2b$04$abcdefghijklmnopqrstuv', 'customer', 'K-1001', 1, '2027-01-01 00:00:00.000'),
                           ('lab1', '$2b$04$abcdefghijklmnopqrstuv', 'lab', NULL, 0, '2027-01-01 00:00:00.000');
                    """)
            }
        }
        let store = try SQLiteLabStore.open(path: path, logger: Logger(label: "test"))
        let accounts = try store.accounts()
        #expect(accounts.map(\.userName) == ["demo", "lab1"])
        #expect(accounts.first?.role == .customer && accounts.first?.disabled == true && accounts.first?.accessGranted == false)
        #expect(accounts.allSatisfy { $0.wearerID == nil })
        #expect(try store.wearerAccounts(customerID: "K-1001").isEmpty)
    }
}
