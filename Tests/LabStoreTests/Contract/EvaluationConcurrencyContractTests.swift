import Dispatch
import Foundation
import Synchronization
import Testing
@testable import LabStore

/// Two benches (two store connections) on the same dose, batch or customer at once. SQLite has one
/// writer, so the second always sees the first's result; PostgreSQL must lock what it checks (the dose
/// row, the batch row, the levels' key) to give the same outcome: exactly one wins, the other gets the
/// error it would get one after the other.
@Suite("Store contract: evaluation by two benches at once")
struct EvaluationConcurrencyContractTests {
    typealias Store = any EvaluationStore & ResultTurnaroundStore

    /// Runs `body` on both connections at once and returns each one's outcome (first, second).
    static func race<T: Sendable>(
        _ first: Store, _ second: Store, _ body: @escaping @Sendable (Store, Int) throws(LabStoreError) -> T
    ) -> [Result<T, LabStoreError>] {
        let outcomes = Mutex<[Int: Result<T, LabStoreError>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { bench in
            let outcome: Result<T, LabStoreError>
            do throws(LabStoreError) { outcome = .success(try body(bench == 0 ? first : second, bench)) } catch { outcome = .failure(error) }
            outcomes.withLock { $0[bench] = outcome }
        }
        return outcomes.withLock { [$0[0], $0[1]].compactMap { $0 } }
    }

    static func failures<T>(_ outcomes: [Result<T, LabStoreError>]) -> [LabStoreError] {
        outcomes.compactMap { if case let .failure(e) = $0 { e } else { nil } }
    }

    @Test("two benches route the same dose to review: one routes it with its reason, the other is refused",
          arguments: StoreBackend.evaluationRole.filter(\.persists))
    func racingRoutes(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (first, second) = (try fixture.openEvaluation(), try fixture.openEvaluation())
        let batch = try #require(try first.openSampleBatch().id)
        for round in 0..<8 {
            let card = "R-\(round)"
            try first.storeCard(card, batch: batch, elements: 1...1)
            let id = try #require(try first.saveEvaluatedDose(Samples.evaluation(batch: batch, card: card, hp10: 0.7), reviewReasons: [],
                                                              audit: .automatic).id)
            let outcomes = Self.race(first, second) { store, bench throws(LabStoreError) in
                try store.routeToReview(dose: id, reasons: [(bench == 0 ? .aboveReviewLevel : .damagedOnArrival, "bench \(bench)")],
                                        audit: DoseAudit(who: "bench \(bench)", why: "policy"))
            }
            #expect(outcomes.count == 2)
            #expect(Self.failures(outcomes) == [.invalidDoseStateChange(from: .needsReview, to: .needsReview)], "round \(round)")
            #expect(try first.reviewReasons(dose: id).count == 1, "only the winner's reason")
            #expect(try first.doseAudit(cardID: card).map(\.action) == [.evaluated, .stateChanged])
        }
    }

    @Test("two physicists release the same dose: one releases it, the other is told it is released already",
          arguments: StoreBackend.evaluationRole.filter(\.persists))
    func racingReleases(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (first, second) = (try fixture.openEvaluation(), try fixture.openEvaluation())
        let batch = try #require(try first.openSampleBatch().id)
        for round in 0..<8 {
            let card = "L-\(round)"
            try first.storeCard(card, batch: batch, elements: 1...1)
            let id = try #require(try first.saveEvaluatedDose(Samples.evaluation(batch: batch, card: card, hp10: 14), reviewReasons: [
                (.aboveReportLevel, "14 > 10"),
            ], audit: .automatic).id)
            let outcomes = Self.race(first, second) { store, bench throws(LabStoreError) in
                try store.setDoseState(id: id, to: .released, audit: DoseAudit(who: "physicist \(bench)", why: "checked"), action: .accepted)
            }
            #expect(Self.failures(outcomes) == [.releasedDoseIsImmutable(id)], "round \(round)")
            #expect(try first.doseAudit(cardID: card).map(\.action) == [.evaluated, .accepted])
            // Released: a late routing to review is refused too.
            #expect(throws: LabStoreError.invalidDoseStateChange(from: .released, to: .needsReview)) {
                try second.routeToReview(dose: id, reasons: [(.qualityFlags, "late")], audit: .automatic)
            }
        }
    }

    @Test("two desks set a customer's levels from the same day: one is stored, the other gets the history refusal",
          arguments: StoreBackend.evaluationRole.filter(\.persists))
    func racingLevels(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (first, second) = (try fixture.openEvaluation(), try fixture.openEvaluation())
        _ = try first.saveCustomer(Customer(id: "K-1", name: "Klinik"))
        for round in 0..<6 {
            let day = RecordSamples.day("2027-01-01").adding(days: round)
            let outcomes = Self.race(first, second) { store, bench throws(LabStoreError) in
                try store.saveLevels(CustomerLevels(customerID: "K-1", validFrom: day, reviewMilliSievert: 0.5 + Double(bench),
                                                    reportMilliSievert: 10, setAt: Date(), setBy: "desk \(bench)"))
            }
            #expect(Self.failures(outcomes)
                    == [.invalidRecord("levels of K-1 from \(day) are already set; levels are history: give a later --valid-from")], "round \(round)")
            let winner = outcomes.compactMap { try? $0.get() }
            #expect(try second.levels(customerID: "K-1", on: day) == winner.first)
        }
        #expect(try first.levelsHistory(customerID: "K-1").count == 6)
    }

    @Test("one bench saves the doses of a batch while another concludes it: evaluated only once every card has its dose",
          arguments: StoreBackend.evaluationRole.filter(\.persists))
    func concludeWhileSaving(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (first, second) = (try fixture.openEvaluation(), try fixture.openEvaluation())
        let batch = try #require(try first.openSampleBatch().id)
        let cards = (0..<12).map { "E-\($0)" }
        for card in cards { try first.storeCard(card, batch: batch, elements: 1...1) }
        _ = try first.finishBatch(id: batch)
        let seen = Mutex<[(state: BatchEvaluationState, dosesAfter: Int)]>([])
        let outcomes = Self.race(first, second) { store, bench throws(LabStoreError) in
            if bench == 0 {
                for card in cards {
                    _ = try store.saveEvaluatedDose(Samples.evaluation(batch: batch, card: card, hp10: 0.1), reviewReasons: [], audit: .automatic)
                }
            } else {
                for _ in 0..<40 {
                    let state = try store.concludeEvaluation(batch: batch)
                    let after = try store.currentDoses(batch: batch).count
                    seen.withLock { $0.append((state, after)) }
                }
            }
        }
        #expect(Self.failures(outcomes).isEmpty)
        // `evaluated` is never concluded while a card had no dose: doses only come, so every one was
        // there when the count just after it was taken; and once evaluated, the batch stays so.
        let states = seen.withLock { $0 }
        #expect(states.filter { $0.state == .evaluated }.allSatisfy { $0.dosesAfter == cards.count })
        if let firstEvaluated = states.firstIndex(where: { $0.state == .evaluated }) {
            #expect(states[firstEvaluated...].allSatisfy { $0.state == .evaluated }, "evaluated stays evaluated")
        }
        #expect(try first.concludeEvaluation(batch: batch) == .evaluated)
        #expect(try second.batchEvaluation(id: batch) == .evaluated)
        #expect(try second.currentDoses(batch: batch).count == cards.count)
    }
}
