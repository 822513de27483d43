import Dispatch
import Foundation
import LabStore
import LabStoreSQLite
import Synchronization
import Testing
@testable import LabWorkflow

/// The lab store with a gate in front of its curve write: `saveReadoutCurve` reports that it was
/// entered, then blocks its thread (as an fsync on a slow disk or a PostgreSQL commit does) until the
/// test opens the gate; every other call goes straight to the store.
final class GatedReadoutStore: ReadoutStore {
    let base: SQLiteLabStore
    let gate: DispatchSemaphore
    let entered: AsyncStream<String>.Continuation
    let events = Mutex<[String]>([])

    init(base: SQLiteLabStore, gate: DispatchSemaphore, entered: AsyncStream<String>.Continuation) {
        (self.base, self.gate, self.entered) = (base, gate, entered)
    }

    func saveReadoutCurve(batch: ReadoutBatch.ID, card: String, element: Int, readAt: Date, curve: ElementCurve
    ) throws(LabStoreError) -> CurveSaveOutcome {
        entered.yield(card)
        gate.wait()
        let outcome = try base.saveReadoutCurve(batch: batch, card: card, element: element, readAt: readAt, curve: curve)
        events.withLock { $0.append("write of \(card) returned") }
        return outcome
    }

    func openBatch(groupID: String, reader: StoredReaderIdentity, elementsPerCard: Int,
                   timeTemperatureProfile: StoredProfile, source: String) throws(LabStoreError) -> ReadoutBatch {
        try base.openBatch(groupID: groupID, reader: reader, elementsPerCard: elementsPerCard,
                           timeTemperatureProfile: timeTemperatureProfile, source: source)
    }
    func findOpenBatch(source: String) throws(LabStoreError) -> ReadoutBatch? { try base.findOpenBatch(source: source) }
    func batch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch? { try base.batch(id: id) }
    func batches() throws(LabStoreError) -> [ReadoutBatch] { try base.batches() }
    func finishBatch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch { try base.finishBatch(id: id) }
    func saveManifest(_ cards: [BatchCard]) throws(LabStoreError) { try base.saveManifest(cards) }
    func manifest(batch: ReadoutBatch.ID) throws(LabStoreError) -> [BatchCard] { try base.manifest(batch: batch) }
    func manifestCard(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> BatchCard? {
        try base.manifestCard(batch: batch, card: card)
    }
    func saveReaderQC(_ qc: ReaderQCRecord) throws(LabStoreError) -> ReaderQCRecord { try base.saveReaderQC(qc) }
    func readerQC(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ReaderQCRecord] { try base.readerQC(batch: batch) }
    func saveElementReading(_ reading: ElementReading) throws(LabStoreError) -> ElementReading {
        try base.saveElementReading(reading)
    }
    func markElementLost(batch: ReadoutBatch.ID, card: String, element: Int, reason: String) throws(LabStoreError) -> ElementReading {
        try base.markElementLost(batch: batch, card: card, element: element, reason: reason)
    }
    func markElementAbsent(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> ElementReading {
        try base.markElementAbsent(batch: batch, card: card, element: element)
    }
    func readings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ElementReading] { try base.readings(batch: batch) }
    func reading(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> ElementReading? {
        try base.reading(batch: batch, card: card, element: element)
    }
    func readings(card: String) throws(LabStoreError) -> [ElementReading] { try base.readings(card: card) }
    func elementStates(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> [Int: ElementStatus] {
        try base.elementStates(batch: batch, card: card)
    }
    func cardStates(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardReadoutState] { try base.cardStates(batch: batch) }
}

@Suite("Readout store writes run off the cooperative pool")
struct StoreReadoutSinkOffPoolTests {
    @Test("blocked curve writes, one more than the pool has threads, leave the pool free; each store call returns only after its write")
    func blockedWritesLeaveThePoolFree() async throws {
        let f = try WorkflowFixture()
        let batch = try #require(try f.store.openBatch(
            groupID: "POOL", reader: StoredReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        // Swift's cooperative pool on Linux has one thread per core: with the writes on it, no more
        // than that many could be blocked at once, and nothing else would run while they were.
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 1
        let cards = Array(f.wholeBodyCards.prefix(3) + f.fingerCards).prefix(blocked).map { $0 }
        try #require(cards.count == blocked, "the fixture has enough cards")
        let gate = DispatchSemaphore(value: 0)
        let (entered, enteredContinuation) = AsyncStream.makeStream(of: String.self)
        let store = GatedReadoutStore(base: f.store, gate: gate, entered: enteredContinuation)
        try store.saveManifest(cards.map { BatchCard(batchID: batch, cardID: $0, role: .worker, annealedAt: nil) })

        // If the writes did block the pool, the test would stall: a watchdog thread (not a pool
        // thread) opens the gate after 120 s, and the test fails instead of hanging. (Generous: in a
        // parallel run beside CPU-heavy tests the pool can be busy with others for a minute.)
        let finished = DispatchSemaphore(value: 0)
        let watchdogOpened = Shared(false)
        let watchdog = Thread {
            if finished.wait(timeout: .now() + 120) == .timedOut {
                watchdogOpened.withLock { $0 = true }
                for _ in 0..<blocked { gate.signal() }
            }
        }
        watchdog.start()
        defer { finished.signal() }

        let returned = Shared<[String]>([])
        let writes = try cards.map { card in
            let sink = try StoreReadoutSink(store: store, batchID: batch, logger: WorkflowFixture.logger)
            return Task {
                try await sink.store(blockedTestReading(card))
                store.events.withLock { $0.append("sink store of \(card) returned") }
                returned.withLock { $0.append(card) }
            }
        }
        var inside: Set<String> = []
        for await card in entered {
            inside.insert(card)
            if inside.count == blocked { break }
        }
        // Every write is blocked at once, and the pool still runs other work.
        let progressed = await Task.detached { (1...1_000).reduce(0, +) }.value
        #expect(progressed == 500_500)
        #expect(!watchdogOpened.withLock { $0 }, "the writes held the pool until the watchdog opened the gate")
        #expect(returned.withLock { $0 }.isEmpty, "a store call returned before its write did")

        for _ in 0..<blocked { gate.signal() }
        for write in writes { try await write.value }
        #expect(Set(returned.withLock { $0 }) == Set(cards))
        let events = store.events.withLock { $0 }
        for card in cards {
            let write = try #require(events.firstIndex(of: "write of \(card) returned"))
            let sink = try #require(events.firstIndex(of: "sink store of \(card) returned"))
            #expect(write < sink, "\(card): the sink returned before the write")
        }
        #expect(try f.store.readings(batch: batch).count == blocked)
    }
}
