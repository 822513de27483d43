import Foundation
@testable import LabStore

/// Lab records for store tests. National IDs are made-up CPR-shaped numbers.
enum RecordSamples {
    static let protector: NationalIDProtector = {
        // A fixed test key (32 bytes of 0x42), never a production key.
        do { return try NationalIDProtector(masterKey: Data(repeating: 0x42, count: 32)) } catch { fatalError("\(error)") }
    }()

    static func day(_ text: String) -> CalendarDay {
        do { return try CalendarDay(parsing: text) } catch { fatalError("\(error)") }
    }

    /// A customer with one whole-body enrolment and `cards` available whole-body cards.
    struct Setup {
        var customer: Customer
        var wearer: Wearer
        var enrolment: Enrolment
        var cardIDs: [String]
    }

    static func setUp(_ store: any LabRecordStore, customerID: String = "K-1001", cards: Int = 2,
                      nationalID: String = "010190-0000") throws -> Setup {
        let customer = try store.saveCustomer(Customer(id: customerID, name: "Testklinik \(customerID)"))
        let wearer = try store.addWearer(customerID: customerID, name: "Anna Andersen",
                                         nationalID: try protector.protect(nationalID))
        let enrolment = try store.enrol(Enrolment(
            wearerID: try requireID(wearer.id), customerID: customerID, dosimeterType: .wholeBody,
            periodLength: .threeMonths, startDate: day("2026-07-15"), orderedOn: day("2026-07-01")))
        let ids = (0..<cards).map { "\(customerID)-C\($0)" }
        try store.addCards(ids.map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
        return Setup(customer: customer, wearer: wearer, enrolment: enrolment, cardIDs: ids)
    }

    static func requireID<T>(_ id: RecordID<T>?) throws -> RecordID<T> {
        guard let id else { throw LabStoreError.unexpected(operation: "test", message: "record without id") }
        return id
    }
}
