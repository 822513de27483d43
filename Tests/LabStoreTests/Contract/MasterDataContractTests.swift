import Foundation
import Synchronization
import Testing
@testable import LabStore

/// The master-data role (``MasterDataStore``) on every backend that has it: the same numbers, checks,
/// orders and errors on SQLite and PostgreSQL. (MasterDataStoreTests holds the SQLite-only cases that
/// need the lab records role: enrolling, issuing.)
@Suite("Store contract: master data (customers, wearers, enrolments by import, card retirement)")
struct MasterDataContractTests {
    static let protector: NationalIDProtector = {
        // A fixed key: the same sealed IDs' look-up hashes on every run.
        do { return try NationalIDProtector(masterKey: Data(repeating: 7, count: 32)) } catch { fatalError("\(error)") }
    }()

    static func day(_ text: String) throws -> CalendarDay { try CalendarDay(parsing: text) }

    static func row(
        _ line: Int, customer: String, customerName: String = "Klinik", wearer: String, id: String,
        type: DosimeterType = .wholeBody, length: PeriodLength = .oneMonth, changeDay: Int = 1,
        start: String = "2027-01-01", end: String? = nil
    ) throws -> MasterDataImport.Row {
        MasterDataImport.Row(
            line: line, customer: Customer(id: customer, name: customerName, deliveryAddress: "Vej \(line)"),
            wearerName: wearer, nationalID: try protector.protect(id),
            birthDate: NationalIDBirthDate.birthDate(cprDigits: id.replacingOccurrences(of: "-", with: "")),
            dosimeterType: type, periodLength: length, changeDay: changeDay, cycleMonth: 1,
            startDate: try day(start), endDate: try end.map(day))
    }

    @Test("customer numbers: K-1001 first, then one more than the highest K- number; a given number is kept",
          arguments: StoreBackend.masterDataRole)
    func customerNumbers(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        #expect(try store.addCustomer(Customer(id: "", name: "A", deliveryAddress: "x")).id == "K-1001")
        #expect(try store.addCustomer(Customer(id: "K-2040", name: "B", deliveryAddress: "x")).id == "K-2040")
        #expect(try store.addCustomer(Customer(id: "HOSP-7", name: "C", deliveryAddress: "x")).id == "HOSP-7")
        #expect(try store.addCustomer(Customer(id: "K-99x", name: "D", deliveryAddress: "x")).id == "K-99x")
        #expect(try store.addCustomer(Customer(id: "", name: "E", deliveryAddress: "x")).id == "K-2041")
        #expect(throws: LabStoreError.invalidRecord("customer K-2040 already exists (use change)")) {
            try store.addCustomer(Customer(id: "K-2040", name: "F", deliveryAddress: "x"))
        }
    }

    @Test("customer records are checked; a change needs an existing customer", arguments: StoreBackend.masterDataRole)
    func customerValidation(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        let good = Customer(id: "K-1", name: "Region", deliveryAddress: "Vej 1", contactEmail: "a@b.dk", companyID: "29190623",
                            invoiceChannel: .eInvoice, invoiceAddress: "5798000000001", invoiceReference: "PO-1")
        #expect(try store.addCustomer(good) == good)
        var bad = good
        bad.invoiceAddress = "5798000000002"
        #expect(throws: LabStoreError.self) { try store.updateCustomer(bad) }
        bad = good
        bad.companyID = "123"
        #expect(throws: LabStoreError.self) { try store.updateCustomer(bad) }
        var changed = good
        changed.invoiceReference = "PO-2"
        #expect(try store.updateCustomer(changed) == changed)
        var missing = good
        missing.id = "K-9"
        #expect(throws: LabStoreError.customerNotFound("K-9")) { try store.updateCustomer(missing) }
        // The change is stored: importing the same customer keeps the invoice reference the lab set.
        let summary = try store.importMasterData(MasterDataImport(
            rows: [try Self.row(2, customer: "K-1", customerName: "Region", wearer: "Anna", id: "0101801001")],
            orderedOn: try Self.day("2026-12-01")))
        #expect(summary.customersUpdated == 1 && summary.customersAdded == 0)
    }

    @Test("wearers: one per national ID and customer, found by look-up hash, listed by customer then name (code-point order)",
          arguments: StoreBackend.masterDataRole)
    func wearers(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        _ = try store.addCustomer(Customer(id: "K-2", name: "Two", deliveryAddress: "Vej 2"))
        _ = try store.addCustomer(Customer(id: "K-10", name: "Ten", deliveryAddress: "Vej 10"))
        let anna = try Self.protector.protect("0101801001")
        let a = try store.addWearer(customerID: "K-2", name: "anna", nationalID: anna, birthDate: try Self.day("1980-01-01"))
        let b = try store.addWearer(customerID: "K-2", name: "Bo", nationalID: try Self.protector.protect("0202811002"), birthDate: nil)
        let c = try store.addWearer(customerID: "K-10", name: "Øre", nationalID: anna, birthDate: nil)
        #expect(a.id != nil)
        #expect(try a.birthDate == Self.day("1980-01-01"))
        // "K-10" < "K-2" and "Bo" < "anna" by code point (SQLite's BINARY collation).
        #expect(try store.allWearers().map(\.name) == ["Øre", "Bo", "anna"])
        #expect(try store.wearer(customerID: "K-2", lookup: anna.lookup) == a)
        #expect(try store.wearer(customerID: "K-2", lookup: Data(repeating: 0, count: 32)) == nil)
        #expect(throws: LabStoreError.self) { try store.addWearer(customerID: "K-2", name: "Again", nationalID: anna, birthDate: nil) }
        #expect(throws: LabStoreError.customerNotFound("K-404")) {
            try store.addWearer(customerID: "K-404", name: "X", nationalID: anna, birthDate: nil)
        }
        #expect(throws: LabStoreError.invalidRecord("a wearer needs a name")) {
            try store.addWearer(customerID: "K-2", name: "  ", nationalID: anna, birthDate: nil)
        }
        var renamed = b
        renamed.name = "Bo Bøgh"
        renamed.birthDate = try Self.day("1981-02-02")
        #expect(try store.updateWearer(renamed) == renamed)
        #expect(try store.allWearers().first { $0.id == b.id } == renamed)
        var moved = c
        moved.customerID = "K-2"
        #expect(throws: LabStoreError.self) { try store.updateWearer(moved) }
        var clash = b
        clash.nationalIDSealed = anna.sealed
        clash.nationalIDLookup = anna.lookup
        #expect(throws: LabStoreError.self) { try store.updateWearer(clash) }
        var gone = b
        gone.id = Wearer.ID(rawValue: 999)
        #expect(throws: LabStoreError.wearerNotFound(999)) { try store.updateWearer(gone) }
    }

    @Test("an import adds, then changes nothing the second time; a changed end date updates; a bad row imports nothing",
          arguments: StoreBackend.masterDataRole)
    func importTwice(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openMasterData()
        let ordered = try Self.day("2026-12-01")
        let rows = [
            try Self.row(2, customer: "K-1001", wearer: "Anna", id: "0101801001"),
            try Self.row(3, customer: "K-1001", wearer: "Anna", id: "0101801001", type: .finger, length: .twoWeeks, changeDay: 15),
            try Self.row(4, customer: "K-1001", wearer: "Bo", id: "0202811002", length: .threeMonths, changeDay: 15),
            try Self.row(5, customer: "K-1002", customerName: "Klinik 2", wearer: "Anna", id: "0101801001"),
        ]
        let first = try store.importMasterData(MasterDataImport(rows: rows, orderedOn: ordered))
        let firstCounts: [Int] = [first.customersAdded, first.wearersAdded, first.enrolmentsAdded, first.unchangedRows]
        #expect(firstCounts == [2, 3, 4, 0])
        let enrolments = try store.allEnrolments()
        #expect(enrolments.map(\.number) == (1...4).map { Enrolment.number(sequence: $0) })
        #expect(enrolments[1].changeDay == 1, "2-week periods are stored with change day 1")
        #expect(enrolments.allSatisfy { $0.orderedOn == ordered && $0.endDate == nil })
        #expect(try store.enrolment(number: "TILM-00000003")?.periodLength == .threeMonths)
        #expect(try store.enrolment(number: "TILM-00000099") == nil)
        #expect(try store.allWearers().first { $0.name == "Bo" }?.birthDate == (try Self.day("1981-02-02")))

        let again = try store.importMasterData(MasterDataImport(rows: rows, orderedOn: try Self.day("2026-12-24")))
        #expect(again.changedNothing && again.unchangedRows == 4)

        var ended = rows
        ended[2] = try Self.row(4, customer: "K-1001", wearer: "Bo B.", id: "0202811002", length: .threeMonths, changeDay: 15, end: "2027-06-30")
        let third = try store.importMasterData(MasterDataImport(rows: ended, orderedOn: ordered))
        let thirdCounts: [Int] = [third.wearersUpdated, third.enrolmentsUpdated, third.unchangedRows]
        #expect(thirdCounts == [1, 1, 3])
        #expect(try store.enrolment(number: "TILM-00000003")?.endDate == (try Self.day("2027-06-30")))

        // Row 3 is a new customer and wearer; row 4 ends before it starts: nothing of row 3 stays.
        let bad = [
            try Self.row(2, customer: "K-1003", wearer: "Cai", id: "0303821003"),
            try Self.row(3, customer: "K-1003", wearer: "Cai", id: "0303821003", start: "2027-03-01", end: "2027-02-01"),
        ]
        #expect(throws: LabStoreError.self) { try store.importMasterData(MasterDataImport(rows: bad, orderedOn: ordered)) }
        #expect(try store.allWearers().count == 3)
        #expect(try store.allEnrolments().count == 4)
        #expect(try store.sealedNationalIDCount() == 3)
        // The change survives a new connection (committed before return).
        #expect(try fixture.openMasterData().enrolment(number: "TILM-00000003")?.endDate == (try Self.day("2027-06-30")))
    }

    @Test("an enrolment change keeps its number, wearer and customer; bad period fields are refused",
          arguments: StoreBackend.masterDataRole)
    func enrolmentChange(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openMasterData()
        _ = try store.importMasterData(MasterDataImport(
            rows: [try Self.row(2, customer: "K-1001", wearer: "Anna", id: "0101801001", length: .threeMonths, changeDay: 15)],
            orderedOn: try Self.day("2026-12-01")))
        let stored = try #require(try store.enrolment(number: "TILM-00000001"))
        var changed = stored
        changed.number = "TILM-00000077"
        changed.customerID = "K-elsewhere"
        changed.cycleMonth = 3
        changed.endDate = try Self.day("2027-12-31")
        let saved = try store.updateEnrolment(changed)
        #expect(saved.number == "TILM-00000001" && saved.customerID == "K-1001" && saved.cycleMonth == 3)
        #expect(try store.enrolment(number: "TILM-00000001") == saved)
        var wrong = saved
        wrong.changeDay = 7
        #expect(throws: LabStoreError.self) { try store.updateEnrolment(wrong) }
        var noID = saved
        noID.id = nil
        #expect(throws: LabStoreError.invalidRecord("an enrolment to change needs its id")) { try store.updateEnrolment(noID) }
        var missing = saved
        missing.id = Enrolment.ID(rawValue: 404)
        #expect(throws: LabStoreError.enrolmentNotFound("#404")) { try store.updateEnrolment(missing) }
    }

    @Test("two desks at once: auto-numbered customers and imported enrolments never share a number",
          arguments: StoreBackend.masterDataRole.filter(\.persists))
    func twoDesks(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let desks = [try fixture.openMasterData(), try fixture.openMasterData()]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { desk in
            do {
                for i in 0..<8 {
                    _ = try desks[desk].addCustomer(Customer(id: "", name: "Desk \(desk) #\(i)", deliveryAddress: "Vej \(i)"))
                    let digits = String(format: "0101%02d%d%03d", 60 + i, desk + 1, i)
                    _ = try desks[desk].importMasterData(MasterDataImport(
                        rows: [try Self.row(2, customer: "X-\(desk)", wearer: "W\(desk)-\(i)", id: digits)],
                        orderedOn: try Self.day("2026-12-01")))
                }
            } catch {
                failures.withLock { $0.append("desk \(desk): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let check = try fixture.openMasterData()
        let numbers = try check.allEnrolments().map(\.number)
        #expect(numbers == (1...16).map { Enrolment.number(sequence: $0) })
        #expect(try check.allWearers().count == 16)
        #expect(try check.addCustomer(Customer(id: "", name: "after", deliveryAddress: "x")).id == "K-1017", "16 numbers taken, each once")
    }

    @Test("retiring a card: from stock, with the reason, once; cards listed by number", arguments: StoreBackend.masterDataRole)
    func retire(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        try fixture.addCards([Card(id: "10000024", dosimeterType: .wholeBody, stateChangedAt: Date()),
                              Card(id: "10000016", dosimeterType: .finger, elementCount: 2, stateChangedAt: Date())])
        let store = try fixture.openMasterData()
        #expect(try store.allCards().map(\.id) == ["10000016", "10000024"])
        let at = fixture.clock.next
        let r = try store.retireCard(id: "10000016", why: "holder cracked at stock check")
        #expect(r.fromState == .available && r.retiredAt == at && r.id != nil)
        #expect(try store.allCards().first?.state == .retired)
        #expect(try store.retirements(cardID: "10000016") == [r])
        #expect(try store.retirements(cardID: "10000024").isEmpty)
        #expect(throws: LabStoreError.cardInWrongState(cardID: "10000016", state: .retired, step: "be retired")) {
            try store.retireCard(id: "10000016", why: "again")
        }
        #expect(throws: LabStoreError.invalidRecord("retiring a card needs a reason")) { try store.retireCard(id: "10000024", why: " ") }
        #expect(throws: LabStoreError.cardNotFound("99999997")) { try store.retireCard(id: "99999997", why: "x") }
    }
}
