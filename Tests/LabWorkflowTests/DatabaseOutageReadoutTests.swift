// A database that goes away mid-batch (issue 15): the resilient readout keeps the reader's curve
// buffered, tries the database again on the injected clock, and the same run stores the held curve
// once and only then releases it. No test sleeps: a manual clock lets the pauses pass.
import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import ReaderProtocol
import SimulatedFacility
import Synchronization
import TestSupport
import Testing
@testable import LabWorkflow

/// What the store and the reader saw, in one order.
enum OutageEvent: Hashable {
    /// A curve committed by the store.
    case committed(card: String, element: Int)
    /// A curve the store refused because the database was "down".
    case refused(card: String, element: Int)
    /// RELEASE_ELEMENT sent to the reader.
    case released(element: Int)
}

final class OutageLog: Sendable {
    private let events = Mutex<[OutageEvent]>([])
    var entries: [OutageEvent] { events.withLock { $0 } }
    func record(_ e: OutageEvent) { events.withLock { $0.append(e) } }
}

/// The readout role of an in-memory SQLite lab behind a database that goes down: from the
/// `outageAtSave`-th curve on, the next `failingCalls` store calls (of any kind) throw
/// ``LabStoreError/databaseBusy(operation:)``, as PostgreSQL's store does while the server is away.
final class FlakyReadoutStore: ReadoutStore {
    let inner: SQLiteLabStore
    let log: OutageLog
    private struct State {
        var saves = 0
        var failuresLeft = 0
        var failed = 0
    }
    private let state = Mutex(State())
    let outageAtSave: Int
    let failingCalls: Int

    init(inner: SQLiteLabStore, log: OutageLog, outageAtSave: Int, failingCalls: Int) {
        self.inner = inner
        self.log = log
        self.outageAtSave = outageAtSave
        self.failingCalls = failingCalls
    }

    /// Store calls refused so far.
    var refusedCalls: Int { state.withLock { $0.failed } }

    private func gate(_ operation: String, startsOutage: Bool = false) throws(LabStoreError) {
        let down = state.withLock { s -> Bool in
            if startsOutage { s.failuresLeft = failingCalls }
            guard s.failuresLeft > 0 else { return false }
            s.failuresLeft -= 1
            s.failed += 1
            return true
        }
        if down { throw .databaseBusy(operation: "\(operation) (test outage)") }
    }

    func saveReadoutCurve(batch: ReadoutBatch.ID, card: String, element: Int, readAt: Date, curve: ElementCurve) throws(LabStoreError) -> CurveSaveOutcome {
        let n = state.withLock { s in
            s.saves += 1
            return s.saves
        }
        do {
            try gate("save readout curve", startsOutage: n == outageAtSave)
        } catch {
            log.record(.refused(card: card, element: element))
            throw error
        }
        let outcome = try inner.saveReadoutCurve(batch: batch, card: card, element: element, readAt: readAt, curve: curve)
        if case .saved = outcome { log.record(.committed(card: card, element: element)) }
        return outcome
    }

    func openBatch(groupID: String, reader: StoredReaderIdentity, elementsPerCard: Int, timeTemperatureProfile: StoredProfile,
                   source: String) throws(LabStoreError) -> ReadoutBatch {
        try gate("open batch")
        return try inner.openBatch(groupID: groupID, reader: reader, elementsPerCard: elementsPerCard,
                                   timeTemperatureProfile: timeTemperatureProfile, source: source)
    }
    func findOpenBatch(source: String) throws(LabStoreError) -> ReadoutBatch? {
        try gate("find open batch")
        return try inner.findOpenBatch(source: source)
    }
    func batch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch? { try gate("batch"); return try inner.batch(id: id) }
    func batches() throws(LabStoreError) -> [ReadoutBatch] { try gate("batches"); return try inner.batches() }
    func finishBatch(id: ReadoutBatch.ID) throws(LabStoreError) -> ReadoutBatch { try gate("finish batch"); return try inner.finishBatch(id: id) }
    func saveManifest(_ cards: [BatchCard]) throws(LabStoreError) { try gate("save manifest"); try inner.saveManifest(cards) }
    func manifest(batch: ReadoutBatch.ID) throws(LabStoreError) -> [BatchCard] { try gate("manifest"); return try inner.manifest(batch: batch) }
    func manifestCard(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> BatchCard? {
        try gate("manifest card")
        return try inner.manifestCard(batch: batch, card: card)
    }
    func saveReaderQC(_ qc: ReaderQCRecord) throws(LabStoreError) -> ReaderQCRecord { try gate("save reader QC"); return try inner.saveReaderQC(qc) }
    func readerQC(batch: ReadoutBatch.ID) throws(LabStoreError) -> [ReaderQCRecord] { try gate("reader QC"); return try inner.readerQC(batch: batch) }
    func saveElementReading(_ reading: StoredReading) throws(LabStoreError) -> StoredReading {
        try gate("save element reading")
        return try inner.saveElementReading(reading)
    }
    func markElementLost(batch: ReadoutBatch.ID, card: String, element: Int, reason: String) throws(LabStoreError) -> StoredReading {
        try gate("mark element lost")
        return try inner.markElementLost(batch: batch, card: card, element: element, reason: reason)
    }
    func markElementAbsent(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> StoredReading {
        try gate("mark element absent")
        return try inner.markElementAbsent(batch: batch, card: card, element: element)
    }
    func readings(batch: ReadoutBatch.ID) throws(LabStoreError) -> [StoredReading] { try gate("readings"); return try inner.readings(batch: batch) }
    func reading(batch: ReadoutBatch.ID, card: String, element: Int) throws(LabStoreError) -> StoredReading? {
        try gate("reading")
        return try inner.reading(batch: batch, card: card, element: element)
    }
    func readings(card: String) throws(LabStoreError) -> [StoredReading] { try gate("card readings"); return try inner.readings(card: card) }
    func elementStates(batch: ReadoutBatch.ID, card: String) throws(LabStoreError) -> [Int: ElementStatus] {
        try gate("element states")
        return try inner.elementStates(batch: batch, card: card)
    }
    func cardStates(batch: ReadoutBatch.ID) throws(LabStoreError) -> [CardReadoutState] { try gate("card states"); return try inner.cardStates(batch: batch) }
}

/// The host's end of a memory link that notes every RELEASE_ELEMENT the driver sends.
final class ReleaseWatchingCable: ByteTransport {
    let inner: MemoryTransport
    let log: OutageLog
    let decoder = Mutex(FrameDecoder())

    init(inner: MemoryTransport, log: OutageLog) {
        self.inner = inner
        self.log = log
    }

    func write(_ bytes: [UInt8]) async throws {
        let frames = decoder.withLock { $0.feed(bytes) }
        for case let .frame(frame) in frames where frame.type == MessageType.releaseElement.rawValue {
            log.record(.released(element: Int(frame.payload.first ?? 0)))
        }
        try await inner.write(bytes)
    }

    func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] { try await inner.read(maxCount: maxCount, timeout: timeout) }
    func close() async { await inner.close() }
}

@Suite("Resilient readout: the database goes away mid-batch")
struct DatabaseOutageReadoutTests {
    /// Polls never wait on the manual clock (the in-process reader at instant pace is never busy long),
    /// and no reply timeout falls on a deadline of the database pauses the test lets pass (the link's
    /// read timer sleeps on the same clock).
    static let readerConfiguration = TLReaderConfiguration(
        link: LinkConfiguration(replyTimeout: .seconds(3_600)), pollInterval: .zero, operationTimeout: .seconds(10))

    struct Bench {
        let clock = ManualClock()
        let log = OutageLog()
        let store: FlakyReadoutStore
        let scenario = FaultBench.scenario(cards: 3, elementMilliseconds: 0)
        let readout: ResilientReadout
        let serving: Task<Void, Never>

        init(outageAtSave: Int, failingCalls: Int, retry: Duration) throws {
            let link = MemoryLink(clock: clock)
            let model = try SimulatedFacility.reader(scenario)
            serving = Task { await model.serve(on: link.device) }
            store = FlakyReadoutStore(inner: try SQLiteLabStore.inMemory(logger: FaultBench.quiet), log: log,
                                      outageAtSave: outageAtSave, failingCalls: failingCalls)
            let (host, log) = (link.host, log)
            readout = ResilientReadout(
                job: ReadoutJob(readoutStore: store, logger: FaultBench.quiet),
                opener: .init { _ in ReleaseWatchingCable(inner: host, log: log) },
                policy: .init(reconnectTimeout: .zero, readerConfiguration: DatabaseOutageReadoutTests.readerConfiguration,
                              databaseRetryTimeout: retry),
                clock: clock, logger: FaultBench.quiet)
        }

        /// Lets each pause pass once the readout sleeps it.
        func pass(_ pauses: [Duration]) async throws {
            for pause in pauses {
                try await clock.waitForSleeper(after: pause)
                clock.advance(by: pause)
            }
        }
    }

    @Test("the store fails 4 calls from the 6th curve on: waits 0.25 + 0.5 + 1 + 2 s, then stores the held curve once and only then releases it",
          .timeLimit(.minutes(10)))
    func outageThenBack() async throws {
        let bench = try Bench(outageAtSave: 6, failingCalls: 4, retry: .seconds(300))
        defer { bench.serving.cancel() }
        let notices = NoticeLog()
        let run = Task {
            try await bench.readout.run(manifest: FaultBench.manifest(bench.scenario), groupID: "OUTAGE", notify: { notices.record($0) })
        }
        // The failed save, then three failed tries of the database; the fourth answers.
        try await bench.pass([.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2)])
        let outcome = try await run.value

        let held = FaultBench.cardID(2)  // the 6th curve: card 2, element 2
        #expect(notices.entries == [
            .databaseUnavailable(DatabaseOutage(reason: "save readout curve (test outage)", held: .curve(cardID: held, element: 2)),
                                 retryingUpTo: .seconds(300)),
            .databaseBack(after: .milliseconds(3_750)),
        ])
        #expect(notices.entries.first?.description.contains("the curve of card \(held) element 2 is held by the reader (not released)") == true)
        #expect(bench.clock.now == .init(offset: .milliseconds(3_750)))
        #expect(bench.store.refusedCalls == 4)
        #expect(outcome.databaseOutages == 1)
        guard case let .read(result) = outcome.result, let batchID = result.batch.id else {
            Issue.record("nothing read")
            return
        }
        #expect(result.batch.state == .complete)

        // Each of the 12 curves committed once and stored once.
        let events = bench.log.entries
        let commits = events.filter { if case .committed = $0 { true } else { false } }
        #expect(commits.count == 12)
        #expect(Set(commits).count == 12)
        let rows = try bench.store.inner.readings(batch: batchID)
        #expect(rows.count == 12)
        #expect(rows.allSatisfy { $0.status == .stored })
        #expect(Set(rows.map { "\($0.cardID)/\($0.element)" }).count == 12)
        #expect(events.filter { $0 == .refused(card: held, element: 2) }.count == 1)

        // Nothing released before its commit: every RELEASE_ELEMENT follows a commit of that element
        // not yet released; the held element is released only after its commit.
        var committedNotReleased: [Int] = []
        var releases = 0
        for event in events {
            switch event {
            case let .committed(_, element): committedNotReleased.append(element)
            case let .released(element):
                releases += 1
                #expect(committedNotReleased.contains(element), "element \(element) released before it was committed: \(events)")
                committedNotReleased.removeAll { $0 == element }
            case .refused: break
            }
        }
        #expect(releases == 12)
        guard let refusedAt = events.firstIndex(of: .refused(card: held, element: 2)),
              let committedAt = events.firstIndex(of: .committed(card: held, element: 2)) else {
            Issue.record("the held curve was not refused and then committed: \(events)")
            return
        }
        #expect(refusedAt < committedAt)
        #expect(!events[refusedAt..<committedAt].contains(.released(element: 2)))
        #expect(events[(committedAt + 1)...].first == .released(element: 2))
    }

    @Test("a database that stays away: given up at --database-retry-seconds with the curve still held, the batch open",
          .timeLimit(.minutes(10)))
    func outageThatDoesNotEnd() async throws {
        let bench = try Bench(outageAtSave: 3, failingCalls: .max, retry: .seconds(1))
        defer { bench.serving.cancel() }
        let notices = NoticeLog()
        let run = Task {
            try await bench.readout.run(manifest: FaultBench.manifest(bench.scenario), groupID: "GONE", notify: { notices.record($0) })
        }
        // 0.25 s, 0.5 s, then the last 0.25 s of the second: the wait ends at exactly 1 s.
        try await bench.pass([.milliseconds(250), .milliseconds(500), .milliseconds(250)])
        let held = FaultBench.cardID(1)
        await #expect(throws: ResilientReadoutError.databaseDidNotReturn(
            waited: .seconds(1), lastProblem: "find open batch (test outage)", held: .curve(cardID: held, element: 3))) {
            _ = try await run.value
        }
        #expect(bench.clock.now == .init(offset: .seconds(1)))
        #expect(notices.entries.count == 1)
        let events = bench.log.entries
        #expect(!events.contains(.released(element: 3)))
        #expect(events.filter { if case .released = $0 { true } else { false } }.count == 2)
        // The batch stays open for the next run to resume, with the two curves stored before.
        let open = try bench.store.inner.findOpenBatch(source: "reader:TL00042")
        #expect(open != nil)
        #expect(try open?.id.map { try bench.store.inner.readings(batch: $0).count } == 2)
    }
}
