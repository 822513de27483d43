import Foundation
import Synchronization
import Testing
@testable import LabStore

/// Two desks dispatching and charging into one lab at once, on every backend of the dispatch role:
/// on PostgreSQL they really write at the same time (SQLite serialises its writers), and the result
/// must be what one writer gives — every card issued once, every enrolment's period sent once, one
/// `cardSent` charge per issue, every compensation recorded once, no shipment number twice.
@Suite("Store contract: two desks dispatching and charging at once")
struct DispatchConcurrencyContractTests {
    static let day = RecordSamples.day

    /// What one desk got.
    struct Desk: Sendable {
        var shipments: [Int64] = []
        var sent: [String] = []
        var refused: [String] = []
        var recorded: [Int64] = []
    }

    /// The lab: one customer with 8 whole-body enrolments and 12 cards in stock.
    static func setUp(_ store: any DayDispatchStore) throws -> (enrolments: [Enrolment], cards: [String]) {
        let setup = try RecordSamples.setUp(store, cards: 12)
        var enrolments = [setup.enrolment]
        for i in 1..<8 {
            let wearer = try store.addWearer(customerID: "K-1001", name: "Person \(i)",
                                             nationalID: try RecordSamples.protector.protect(String(format: "0101%02d-%04d", 60 + i, 1000 + i)))
            enrolments.append(try store.enrol(Enrolment(
                wearerID: try RecordSamples.requireID(wearer.id), customerID: "K-1001", dosimeterType: .wholeBody,
                periodLength: .threeMonths, startDate: day("2026-07-15"), orderedOn: day("2026-07-01"))))
        }
        return (enrolments, setup.cardIDs)
    }

    /// One desk's dispatch: rounds 0–3 race the other desk for one card (each sends card r, to
    /// enrolment r or r+4); rounds 4–7 race it for one enrolment's period (each sends its own card to
    /// enrolment r−4 for 2026-10-15). Desk 0 makes day shipments, desk 1 single ones.
    static func dispatchWork(_ store: any DayDispatchStore, desk: Int, enrolments: [Enrolment], cards: [String]) throws -> Desk {
        var mine = Desk()
        for round in 0..<8 {
            let line: DispatchLine
            if round < 4 {
                line = DispatchLine(request: IssueRequest(cardID: cards[round], enrolmentID: try RecordSamples.requireID(enrolments[round + 4 * desk].id),
                                                          periodStart: day("2026-07-15"), periodEnd: day("2026-10-14")),
                                    priceMinorUnits: 12_500 + desk)
            } else {
                line = DispatchLine(request: IssueRequest(cardID: cards[4 + 2 * (round - 4) + desk],
                                                          enrolmentID: try RecordSamples.requireID(enrolments[round - 4].id),
                                                          periodStart: day("2026-10-15"), periodEnd: day("2027-01-14")),
                                    priceMinorUnits: 12_500 + desk)
            }
            do {
                let shipment: Shipment
                if desk == 0 {
                    shipment = try #require(try store.dispatch(shipments: [(customerID: "K-1001", lines: [line])], dispatchedOn: day("2026-07-08")).first)
                } else {
                    shipment = try store.dispatch([line], customerID: "K-1001", dispatchedOn: day("2026-07-08"))
                }
                mine.shipments.append(try RecordSamples.requireID(shipment.id).rawValue)
                mine.sent.append(line.request.cardID)
            } catch let error as LabStoreError {
                switch error {
                case .cardInWrongState(cardID: line.request.cardID, state: .issued, step: "be issued") where round < 4: break
                case .constraintViolation where round >= 4: break
                default: throw error
                }
                mine.refused.append(line.request.cardID)
            }
        }
        return mine
    }

    /// Runs `work` for desks 0 and 1 at once, each on its own store; fails on any desk's error.
    static func twoDesks(_ desks: [any DayDispatchStore], _ work: @Sendable @escaping (any DayDispatchStore, Int) throws -> Desk) throws -> (Desk, Desk) {
        let results = Mutex<[Int: Desk]>([:])
        let failures = Mutex<[String]>([])
        nonisolated(unsafe) let stores = desks
        DispatchQueue.concurrentPerform(iterations: 2) { desk in
            do {
                let mine = try work(stores[desk], desk)
                results.withLock { $0[desk] = mine }
            } catch {
                failures.withLock { $0.append("desk \(desk): \(error)") }
            }
        }
        let problems: [String] = failures.withLock { $0 }
        #expect(problems.isEmpty, "\(problems)")
        let r: [Int: Desk] = results.withLock { $0 }
        return (try #require(r[0]), try #require(r[1]))
    }

    @Test("two desks dispatching at once: each card issued once, each period sent once, one charge per issue, no shipment number twice",
          arguments: StoreBackend.dispatchRole)
    func dispatching(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (enrolments, cards) = try Self.setUp(try fixture.openDispatch())
        let (a, b) = try Self.twoDesks([try fixture.openDispatch(), try fixture.openDispatch()]) { store, desk in
            try Self.dispatchWork(store, desk: desk, enrolments: enrolments, cards: cards)
        }
        // Rounds 0–3: card r went out once. Rounds 4–7: one of the two cards per period.
        #expect((a.sent + b.sent).count == 8 && (a.refused + b.refused).count == 8)
        #expect(Set(a.sent + b.sent).count == 8, "no card sent twice")
        #expect(Set(cards[0..<4]).isSubset(of: Set(a.sent + b.sent)))
        #expect(Set(a.shipments + b.shipments).count == 8, "no shipment number twice")
        let check = try fixture.openDispatch()
        let issues = try check.issues(customerID: "K-1001")
        #expect(issues.count == 8)
        #expect(Set(issues.map(\.cardID)) == Set(a.sent + b.sent))
        #expect(Set(issues.map { "\($0.enrolmentID)@\($0.periodStart)" }).count == 8, "each enrolment's period once")
        #expect(try check.cards(state: .issued).map(\.id).sorted() == (a.sent + b.sent).sorted())
        #expect(try check.cards(state: .available).count == 4)
        let charges = try check.charges(customerID: nil, from: nil, to: nil)
        #expect(charges.count == 8 && charges.allSatisfy { $0.kind == .cardSent })
        #expect(Set(charges.map(\.issueID)) == Set(issues.compactMap(\.id)), "one card-sent charge per issue")
        #expect(try check.shipments(dispatchedOn: Self.day("2026-07-08")).compactMap(\.id?.rawValue).sorted()
                == (a.shipments + b.shipments).sorted())
        for shipment in a.shipments + b.shipments {
            #expect(try check.shipmentLines(Shipment.ID(rawValue: shipment)).count == 1)
        }
    }

    @Test("two desks recording the same compensations at once: each recorded once, by one desk; none lost",
          arguments: StoreBackend.dispatchRole)
    func charging(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openDispatch()
        let (enrolments, cards) = try Self.setUp(store)
        let lines = try (0..<8).map { i in
            DispatchLine(request: IssueRequest(cardID: cards[i], enrolmentID: try RecordSamples.requireID(enrolments[i].id),
                                               periodStart: Self.day("2026-07-15"), periodEnd: Self.day("2026-10-14")),
                         priceMinorUnits: 12_500)
        }
        _ = try store.dispatch(lines, customerID: "K-1001", dispatchedOn: Self.day("2026-07-08"))
        let issues = try store.issues(customerID: "K-1001")
        let due = try issues.map { issue in
            Charge(customerID: "K-1001", kind: .notReturned, issueID: try RecordSamples.requireID(issue.id), cardID: issue.cardID,
                   dosimeterType: .wholeBody, dueOn: Self.day("2027-01-15"), priceDay: Self.day("2027-01-14"), amountMinorUnits: 40_000)
        }
        let (a, b) = try Self.twoDesks([try fixture.openDispatch(), try fixture.openDispatch()]) { store, desk in
            var mine = Desk()
            // Desk 0 goes through them first to last, desk 1 last to first, one call each, then all again.
            for charge in desk == 0 ? due : due.reversed() {
                mine.recorded += try store.recordCharges([charge]).compactMap(\.id?.rawValue)
            }
            mine.recorded += try store.recordCharges(due).compactMap(\.id?.rawValue)
            return mine
        }
        #expect(Set(a.recorded).isDisjoint(with: Set(b.recorded)), "no compensation recorded by both desks")
        #expect((a.recorded + b.recorded).count == 8)
        let ledger = try fixture.openDispatch().charges(customerID: "K-1001", from: nil, to: nil)
        let compensations = ledger.filter { $0.kind == .notReturned }
        #expect(compensations.count == 8)
        #expect(Set(compensations.map(\.issueID)) == Set(issues.compactMap(\.id)), "every compensation once")
        #expect(Set(compensations.compactMap(\.id?.rawValue)) == Set(a.recorded + b.recorded))
        #expect(ledger.filter { $0.kind == .cardSent }.count == 8)
        #expect(ledger.reduce(0) { $0 + $1.amountMinorUnits } == 8 * 12_500 + 8 * 40_000)
    }
}
