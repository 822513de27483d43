import Foundation
import Synchronization
import Testing
@testable import LabStore

/// Two or three lab users deciding the same thing at once, each through their own store (their own
/// connection on PostgreSQL): exactly one decision applies, the others are refused with the words of
/// a decided one, and the master data changes once. SQLite's single writer gives this for free;
/// PostgreSQL's row lock (`FOR UPDATE` before the state check) must give the same.
@Suite("Store contract: the portal's decisions under a race")
struct PortalConcurrencyContractTests {
    /// What each desk got: the outcome, or the refusal.
    static func race<T: Sendable>(_ desks: Int, _ work: @escaping @Sendable (Int) throws -> T) -> (won: [T], refused: [String]) {
        let won = Mutex<[T]>([])
        let refused = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: desks) { desk in
            do {
                let result = try work(desk)
                won.withLock { $0.append(result) }
            } catch {
                refused.withLock { $0.append("\(error)") }
            }
        }
        return (won.withLock { $0 }, refused.withLock { $0 })
    }

    @Test("three lab users accept the same enrolment at once: one person enrolled once, two refusals, one audit line",
          arguments: StoreBackend.portalRole)
    func acceptOnce(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openPortal()
        let s = try PortalSamples(store)
        let desks = [try fixture.openPortal(), try fixture.openPortal(), try fixture.openPortal()]
        let labs = [s.lab1, s.lab2, s.lab1]
        for round in 0..<3 {
            let id = try #require(try s.sentEnrolment(store, token: "tok-\(round)").id)
            let change = try PortalSamples.enrolChange(startDate: "\(2027 + round)-01-01")
            let (won, refused) = Self.race(desks.count) { desk in
                try desks[desk].acceptSubmission(id: id, change: change, by: labs[desk])
            }
            #expect(won.count == 1, "round \(round): \(refused)")
            #expect(refused.count == 2)
            let decided = LabStoreError.invalidRecord("submission \(id) is not waiting for a decision").description
            #expect(refused.allSatisfy { $0 == decided }, "\(refused)")
            #expect(try store.submission(id: id)?.state == .accepted)
            #expect(try store.auditTrail(submissionID: id).filter { $0.action == "accepted" }.count == 1)
        }
        // One new person, three enrolments (one per round), numbered without a gap or a repeat.
        #expect(try store.wearers(customerID: "K-1001").filter { $0.name == "Sørensen, Anne" }.count == 1)
        #expect(try store.enrolments(customerID: "K-1001").map(\.number) == ["TILM-00000001", "TILM-00000003", "TILM-00000004", "TILM-00000005"])
    }

    @Test("an accept and a reject of the same submission at once: exactly one decision stands",
          arguments: StoreBackend.portalRole)
    func acceptOrReject(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openPortal()
        let s = try PortalSamples(store)
        let desks = [try fixture.openPortal(), try fixture.openPortal()]
        for round in 0..<4 {
            let id = try #require(try s.sentEnrolment(store, token: "tok-\(round)").id)
            let change = try PortalSamples.enrolChange(startDate: "\(2027 + round)-01-01")
            let (won, refused) = Self.race(2) { desk -> SubmissionState in
                desk == 0 ? try desks[0].acceptSubmission(id: id, change: change, by: s.lab1).state
                          : try desks[1].rejectSubmission(id: id, reason: "duplicate", by: s.lab2).state
            }
            #expect(won.count == 1 && refused.count == 1, "round \(round): \(refused)")
            let stored = try #require(try store.submission(id: id))
            #expect(stored.state == won.first)
            #expect(try store.auditTrail(submissionID: id).filter { $0.action == "accepted" || $0.action == "rejected" }.count == 1)
        }
        let accepted = try store.submissions(state: .accepted).count
        #expect(try store.enrolments(customerID: "K-1001").count == 1 + accepted)
    }

    @Test("two lab users accept the same agreement form at once: one customer created, one refusal",
          arguments: StoreBackend.portalRole)
    func agreementOnce(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openPortal()
        let s = try PortalSamples(store)
        let desks = [try fixture.openPortal(), try fixture.openPortal()]
        let sealed = try RecordSamples.protector.protect("150385-4321")
        let enrolment = Enrolment(wearerID: Wearer.ID(rawValue: 0), customerID: "", dosimeterType: .wholeBody, periodLength: .oneMonth,
                                  startDate: RecordSamples.day("2026-12-01"), orderedOn: RecordSamples.day("2026-11-20"))
        let new = NewAgreement(customer: Customer(id: "", name: "Nyklinik ApS", deliveryAddress: "Vej 9, 8000 Aarhus C"),
                               wearers: [.init(name: "Lund, Lise", nationalID: sealed, birthDate: nil, enrolment: enrolment)])
        for round in 0..<3 {
            let id = try #require(try store.saveAgreement(PortalAgreement(state: .sent, resumeToken: "agr-\(round)"),
                                                          action: "agreement sent", outbox: nil).id)
            let (won, refused) = Self.race(2) { desk in
                try desks[desk].acceptAgreement(id: id, agreement: new, by: desk == 0 ? s.lab1 : s.lab2).customerID
            }
            #expect(won == ["K-\(1003 + round)"], "round \(round): \(refused)")
            #expect(refused == [LabStoreError.invalidRecord("agreement form \(id) is not waiting for a decision").description])
        }
        #expect(try store.customers().map(\.id) == ["K-1001", "K-1002", "K-1003", "K-1004", "K-1005"])
        #expect(try store.allWearers().filter { $0.name == "Lund, Lise" }.count == 3)
    }
}
