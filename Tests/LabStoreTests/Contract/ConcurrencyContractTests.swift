import Dispatch
import Synchronization
import Testing
@testable import LabStore

@Suite("Store contract: concurrent writers")
struct ConcurrencyContractTests {
    @Test("racing saves of one element: exactly one wins, the others get duplicateReading",
          arguments: StoreBackend.readoutRole)
    func racingDuplicateSaves(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let outcomes = Mutex<[Result<ElementReading, LabStoreError>]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { attempt in
            let reading = Samples.storedReading(batch: batchID, card: "C-1", element: 1, seed: UInt32(attempt + 1))
            let result = Result { () throws(LabStoreError) -> ElementReading in try store.saveElementReading(reading) }
            outcomes.withLock { $0.append(result) }
        }
        let results = outcomes.withLock { $0 }
        let saved = results.compactMap { try? $0.get() }
        let failures = results.compactMap { result -> LabStoreError? in
            if case let .failure(error) = result { error } else { nil }
        }
        #expect(saved.count == 1)
        #expect(failures == Array(repeating: .duplicateReading(batch: batchID, cardID: "C-1", element: 1), count: 7))
        #expect(try store.readings(batch: batchID) == saved)
    }

    @Test("concurrent saves of different elements all land", arguments: StoreBackend.readoutRole)
    func concurrentDistinctSaves(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openReadout()
        let batchID = try #require(try store.openSampleBatch().id)
        let errors = Mutex<[LabStoreError]>([])
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let reading = Samples.storedReading(batch: batchID, card: "C-\(index / 4)", element: index % 4 + 1)
            do throws(LabStoreError) {
                _ = try store.saveElementReading(reading)
            } catch {
                errors.withLock { $0.append(error) }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        #expect(try store.cardStates(batch: batchID).filter(\.isComplete).count == 4)
    }
}
