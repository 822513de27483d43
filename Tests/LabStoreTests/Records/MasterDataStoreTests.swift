import Foundation
import GRDB
import Testing
@testable import LabStore
@testable import LabStoreSQLite

@Suite("Master data in the store: customers, wearers' birth dates, enrolment cycles, retired cards")
struct MasterDataStoreTests {
    static func store() throws -> SQLiteLabStore { try StoreFixture(backend: .sqliteInMemory).openSQLite() }

    @Test("CPR birth dates: the century from the 7th digit (CPR office table)", arguments: [
        ("0101371234", "1937-01-01"),  // 7th digit 1: 1900s
        ("3112993999", "1999-12-31"),  // 7th digit 3: 1900s
        ("0101364000", "2036-01-01"),  // 4 and year 00–36: 2000s
        ("0101374000", "1937-01-01"),  // 4 and year 37–99: 1900s
        ("0101579000", "1957-01-01"),  // 9 and year 37–99: 1900s
        ("0101109000", "2010-01-01"),  // 9 and year 00–36: 2000s
        ("0101575000", "2057-01-01"),  // 5–8 and year 00–57: 2000s
        ("0101588000", "1858-01-01"),  // 5–8 and year 58–99: 1800s
        ("2902000001", "none"),  // 1900 was no leap year: no birth date
        ("2902004001", "2000-02-29"),  // 2000 was
        ("3104801234", "none"),  // 31 April does not exist
    ])
    func birthDates(digits: String, expected: String) {
        let date = NationalIDBirthDate.birthDate(cprDigits: digits)
        if let day = try? CalendarDay(parsing: expected) {
            #expect(date == day)
        } else {
            #expect(date == nil)
        }
    }

    @Test("customer numbers: K-1001 first, then one more than the highest K- number; a given number is kept")
    func customerNumbers() throws {
        let store = try Self.store()
        #expect(try store.addCustomer(Customer(id: "", name: "A", deliveryAddress: "x")).id == "K-1001")
        #expect(try store.addCustomer(Customer(id: "K-2040", name: "B", deliveryAddress: "x")).id == "K-2040")
        #expect(try store.addCustomer(Customer(id: "HOSP-7", name: "C", deliveryAddress: "x")).id == "HOSP-7")
        #expect(try store.addCustomer(Customer(id: "", name: "D", deliveryAddress: "x")).id == "K-2041")
        #expect(throws: LabStoreError.self) { try store.addCustomer(Customer(id: "K-2040", name: "E", deliveryAddress: "x")) }
    }

    @Test("customer records are checked: CVR, e-mail, the invoice channel's address")
    func customerValidation() throws {
        let store = try Self.store()
        let good = Customer(id: "K-1", name: "Region", deliveryAddress: "Vej 1", contactEmail: "a@b.dk", companyID: "29190623",
                            invoiceChannel: .eInvoice, invoiceAddress: "5798000000001", invoiceReference: "PO-1")
        #expect(InvoiceChannel.isValidGLN("5798000000001"))
        #expect(!InvoiceChannel.isValidGLN("5798000000002"))
        _ = try store.addCustomer(good)
        var bad = good
        bad.invoiceAddress = "5798000000002"
        #expect(throws: LabStoreError.self) { try store.updateCustomer(bad) }
        bad = good
        bad.companyID = "123"
        #expect(throws: LabStoreError.self) { try store.updateCustomer(bad) }
        bad = good
        bad.invoiceChannel = .email
        bad.invoiceAddress = "not-an-address"
        #expect(throws: LabStoreError.self) { try store.updateCustomer(bad) }
        var changed = good
        changed.invoiceReference = "PO-2"
        _ = try store.updateCustomer(changed)
        #expect(try store.customer(id: "K-1")?.invoiceReference == "PO-2")
        #expect(try store.customer(id: "K-1")?.invoiceChannel == .eInvoice)
    }

    @Test("enrolments: change day 1 or 15, cycle month 1–3, 2-week periods only for finger; stored and read back")
    func enrolmentFields() throws {
        let store = try Self.store()
        let setup = try RecordSamples.setUp(store)
        func enrol(_ type: DosimeterType, _ length: PeriodLength, changeDay: Int? = nil, cycle: Int? = nil) throws -> Enrolment {
            try store.enrol(Enrolment(wearerID: setup.wearer.id!, customerID: "K-1001", dosimeterType: type, periodLength: length,
                                      startDate: try CalendarDay(parsing: "2027-01-01"), orderedOn: try CalendarDay(parsing: "2026-12-01"),
                                      changeDay: changeDay, cycleMonth: cycle))
        }
        let q = try enrol(.wholeBody, .threeMonths, changeDay: 1, cycle: 3)
        #expect(try store.enrolment(number: q.number).map { [$0.changeDay, $0.cycleMonth] } == [1, 3])
        #expect(try enrol(.neutron, .threeMonths).changeDay == 15)
        #expect(try enrol(.finger, .twoWeeks, changeDay: 15).changeDay == 1, "2-week periods use both days: stored as 1")
        #expect(throws: LabStoreError.self) { try enrol(.wholeBody, .twoWeeks) }
        #expect(throws: LabStoreError.self) { try enrol(.shoulder, .threeMonths) }
        #expect(throws: LabStoreError.self) { try enrol(.wholeBody, .oneMonth, changeDay: 10) }
        #expect(throws: LabStoreError.self) { try enrol(.wholeBody, .threeMonths, cycle: 4) }
        var changed = q
        changed.changeDay = 7
        #expect(throws: LabStoreError.self) { try store.updateEnrolment(changed) }
    }

    @Test("once a card is issued, an enrolment's periods stay: only its end date may change")
    func scheduleFixedAfterIssue() throws {
        let store = try Self.store()
        let setup = try RecordSamples.setUp(store)
        _ = try store.issueCards([IssueRequest(cardID: setup.cardIDs[0], enrolmentID: setup.enrolment.id!,
                                               periodStart: try CalendarDay(parsing: "2026-07-15"), periodEnd: try CalendarDay(parsing: "2026-10-14"))],
                                 customerID: "K-1001", dispatchedOn: try CalendarDay(parsing: "2026-07-08"))
        var moved = setup.enrolment
        moved.changeDay = 1
        #expect(throws: LabStoreError.self) { try store.updateEnrolment(moved) }
        var ended = setup.enrolment
        ended.endDate = try CalendarDay(parsing: "2027-01-14")
        #expect(try store.updateEnrolment(ended).endDate == ended.endDate)
    }

    @Test("migration v5 gives enrolments recorded before the lab's standard change day")
    func migrationDefaults() throws {
        let queue = try DatabaseQueue()
        let migrator = LabMigrations.makeMigrator()
        try migrator.migrate(queue, upTo: LabRecordsMigration.name)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO customer (id, name, deliveryAddress, contactEmail) VALUES ('K-1', 'A', '', '');
                INSERT INTO wearer (customerID, name, nationalIDSealed, nationalIDLookup) VALUES ('K-1', 'W', zeroblob(38), zeroblob(32));
                INSERT INTO enrolment (number, wearerID, customerID, dosimeterType, periodLength, startDate, orderedOn)
                VALUES ('TILM-00000001', 1, 'K-1', 'wholeBody', 'threeMonths', '2026-01-15', '2026-01-01'),
                       ('TILM-00000002', 1, 'K-1', 'finger', 'twoWeeks', '2026-01-01', '2026-01-01');
                """)
        }
        try migrator.migrate(queue)
        let rows = try queue.read { db in try Enrolment.order(Column("id")).fetchAll(db) }
        #expect(rows.map(\.changeDay) == [15, 1])
        #expect(rows.map(\.cycleMonth) == [1, 1])
        #expect(try queue.read { db in try Customer.fetchOne(db, key: "K-1")?.invoiceChannel } == .paper)
    }

    @Test("retiring a card: from stock or after release, with the reason; never while it is out or unreleased")
    func retire() throws {
        let store = try Self.store()
        try store.addCards([Card(id: "10000016", dosimeterType: .wholeBody, stateChangedAt: Date()),
                            Card(id: "10000024", dosimeterType: .wholeBody, stateChangedAt: Date())])
        let r = try store.retireCard(id: "10000016", why: "holder cracked at stock check")
        #expect(r.fromState == .available)
        #expect(try store.card(id: "10000016")?.state == .retired)
        #expect(try store.retirements(cardID: "10000016").map(\.why) == ["holder cracked at stock check"])
        #expect(throws: LabStoreError.self) { try store.retireCard(id: "10000016", why: "again") }
        #expect(throws: LabStoreError.self) { try store.retireCard(id: "10000024", why: " ") }
        #expect(throws: LabStoreError.cardNotFound("99999997")) { try store.retireCard(id: "99999997", why: "x") }
    }
}
