import Foundation
import LabStore
import LabStoreSQLite
import Logging
@testable import LabWorkflow

/// A lab with two customers, for workflow tests. National IDs are made up (CPR-shaped only).
struct WorkflowFixture {
    static let logger = Logger(label: "LabWorkflowTests", factory: { _ in SwiftLogNoOpLogHandler() })
    let store: SQLiteLabStore
    let protector: NationalIDProtector
    /// Card IDs issued to K-1001 for 2026-07-15…2026-10-14 (whole-body) and 2026-10-01…31 (finger).
    var wholeBodyCards: [String] = []
    var fingerCards: [String] = []
    var foreignCard = ""

    init(wearers: [(String, String)] = [("Ørsted, Hans", "050505-0001"), ("Andersen, Anna", "010190-0000"),
                                         ("Berg, Bo", "121288-0002")]) throws {
        store = try SQLiteLabStore.inMemory(logger: Self.logger)
        protector = try NationalIDProtector(masterKey: Data(repeating: 0x11, count: 32))
        _ = try store.saveCustomer(Customer(id: "K-1001", name: "Testklinik"))
        _ = try store.saveCustomer(Customer(id: "K-2002", name: "Andet Hospital"))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: day("2026-01-01"), priceMinorUnits: 12_500))
        try store.savePrice(CardPrice(dosimeterType: .finger, validFrom: day("2026-01-01"), priceMinorUnits: 9_950))
        try store.addCards((1...20).map { Card(id: "W\(100 + $0)", dosimeterType: .wholeBody, stateChangedAt: Date()) }
                           + (1...10).map { Card(id: "F\(200 + $0)", dosimeterType: .finger, stateChangedAt: Date()) })
        var requests: [IssueRequest] = []
        var stock = (1...20).map { "W\(100 + $0)" }
        var fingerStock = (1...10).map { "F\(200 + $0)" }
        for (name, id) in wearers {
            let w = try store.addWearer(customerID: "K-1001", name: name, nationalID: try protector.protect(id))
            let wb = try store.enrol(Enrolment(wearerID: w.id!, customerID: "K-1001", dosimeterType: .wholeBody,
                                               periodLength: .threeMonths, startDate: day("2026-07-15"), orderedOn: day("2026-06-20")))
            let card = stock.removeFirst()
            requests.append(IssueRequest(cardID: card, enrolmentID: wb.id!, periodStart: day("2026-07-15"), periodEnd: day("2026-10-14")))
            wholeBodyCards.append(card)
        }
        let first = try store.wearers(customerID: "K-1001")[0]
        let finger = try store.enrol(Enrolment(wearerID: first.id!, customerID: "K-1001", dosimeterType: .finger,
                                               periodLength: .oneMonth, startDate: day("2026-10-01"), orderedOn: day("2026-09-01")))
        let fingerCard = fingerStock.removeFirst()
        requests.append(IssueRequest(cardID: fingerCard, enrolmentID: finger.id!, periodStart: day("2026-10-01"), periodEnd: day("2026-10-31")))
        fingerCards.append(fingerCard)
        _ = try store.issueCards(requests, customerID: "K-1001", dispatchedOn: day("2026-07-08"))

        let other = try store.addWearer(customerID: "K-2002", name: "Other, Person", nationalID: try protector.protect("020202-0003"))
        let oe = try store.enrol(Enrolment(wearerID: other.id!, customerID: "K-2002", dosimeterType: .wholeBody,
                                           periodLength: .threeMonths, startDate: day("2026-07-15"), orderedOn: day("2026-06-20")))
        foreignCard = stock.removeFirst()
        _ = try store.issueCards([IssueRequest(cardID: foreignCard, enrolmentID: oe.id!, periodStart: day("2026-07-15"),
                                               periodEnd: day("2026-10-14"))], customerID: "K-2002", dispatchedOn: day("2026-07-08"))
    }
}
