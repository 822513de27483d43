import Dispatch
import Synchronization
import Testing
@testable import LabStore

/// Two benches (two store connections) re-evaluating the same card at once: every save lands as its
/// own version, numbered without gaps, and exactly one is current — no unique-index failure.
@Suite("Store contract: concurrent dose evaluations")
struct DoseConcurrencyContractTests {
    @Test("racing re-evaluations of one card from two connections: versions 1…n, one current",
          arguments: StoreBackend.labStoreRole.filter(\.persists))
    func racingVersions(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let first = try fixture.open()
        let second = try fixture.open()
        let batchID = try #require(try first.openSampleBatch().id)
        try first.storeCard("C-1", batch: batchID)
        let errors = Mutex<[LabStoreError]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { attempt in
            let store = attempt.isMultiple(of: 2) ? first : second
            do throws(LabStoreError) {
                _ = try store.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: Double(attempt) / 10))
            } catch {
                errors.withLock { $0.append(error) }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        let history = try first.doseHistory(card: "C-1")
        #expect(history.map(\.version) == Array(1...12))
        #expect(history.filter(\.isCurrent).count == 1)
        #expect(history.last?.isCurrent == true)
        #expect(Set(history.compactMap(\.hp10MilliSievert)) == Set((0..<12).map { Double($0) / 10 }))
        #expect(try second.currentDoses(batch: batchID) == [try #require(history.last)])
    }
}
