// The resilient readout's waits on an injected clock: a reader that never comes back is given up
// after exactly --reconnect-timeout, tried every retry interval, without the test sleeping.
import Instruments
import LabStore
import LabStoreSQLite
import SimulatedFacility
import TestSupport
import Testing
@testable import LabWorkflow

/// The host's end of a memory link behind a cable the test can pull: from then on writes and reads
/// fail as on a port that hung up.
struct PullableCable: ByteTransport {
    let inner: MemoryTransport
    let pulled: Shared<Bool>

    func write(_ bytes: [UInt8]) async throws {
        guard !pulled.withLock({ $0 }) else { throw TransportError.closed }
        try await inner.write(bytes)
    }

    func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        guard !pulled.withLock({ $0 }) else { throw TransportError.closed }
        return try await inner.read(maxCount: maxCount, timeout: timeout)
    }

    func close() async { await inner.close() }
}

struct NothingAtThePath: Error, CustomStringConvertible {
    var description: String { "no reader at the path (test)" }
}

/// A simulated reader on a memory link with the manual clock, whose cable the test pulls; after a
/// disconnect the opener finds nothing at the path (and notes the serial it looked for). The readout
/// retries every second up to `reconnectTimeout`.
struct PulledCableBench {
    let clock = ManualClock()
    let scenario = FaultBench.scenario(cards: 2, elementMilliseconds: 2)
    let pulled = Shared(false)
    let reopenedWith = Shared<[String?]>([])
    let store: SQLiteLabStore
    let readout: ResilientReadout
    /// The simulated reader serving the link: cancel it when the test ends.
    let serving: Task<Void, Never>

    init(reconnectTimeout: Duration) throws {
        let link = MemoryLink(clock: clock)
        let model = try SimulatedFacility.reader(scenario)
        serving = Task { await model.serve(on: link.device) }
        let (pulled, reopenedWith) = (self.pulled, self.reopenedWith)
        let opener = ResilientReadout.Opener { serial in
            guard let serial else { return PullableCable(inner: link.host, pulled: pulled) }
            reopenedWith.withLock { $0.append(serial) }
            throw NothingAtThePath()
        }
        store = try SQLiteLabStore.inMemory(logger: FaultBench.quiet)
        readout = ResilientReadout(
            job: ReadoutJob(store: store, logger: FaultBench.quiet), opener: opener,
            policy: .init(reconnectTimeout: reconnectTimeout, retryInterval: .seconds(1), readerConfiguration: FaultBench.readerConfiguration),
            clock: clock, logger: FaultBench.quiet)
    }
}

@Suite("Resilient readout on an injected clock")
struct ResilientReadoutClockTests {
    @Test("a reader that does not come back: tried every retry interval, given up at the reconnect timeout",
          .timeLimit(.minutes(10)))
    func readerThatDoesNotComeBack() async throws {
        let bench = try PulledCableBench(reconnectTimeout: .seconds(10))
        defer { bench.serving.cancel() }
        let (clock, scenario, pulled, reopenedWith, store, readout) =
            (bench.clock, bench.scenario, bench.pulled, bench.reopenedWith, bench.store, bench.readout)
        let notices = NoticeLog()
        let run = Task {
            try await readout.run(manifest: FaultBench.manifest(scenario), groupID: "GONE", progress: { p in
                // The cable is pulled as the first card is about to load.
                if p.step == .loadingCard { pulled.withLock { $0 = true } }
            }, notify: { notices.record($0) })
        }
        // Ten retry intervals pass: the reader is looked for at 0 s, 1 s, … 9 s, and at 10 s the wait ends.
        for _ in 1...10 {
            try await clock.waitForSleeper(after: .seconds(1))
            clock.advance(by: .seconds(1))
        }
        await #expect(throws: ResilientReadoutError.readerDidNotReturn(
            serial: "TL00042", waited: .seconds(10), lastProblem: "no reader at the path (test)")) {
            _ = try await run.value
        }
        #expect(clock.now == .init(offset: .seconds(10)))
        #expect(reopenedWith.withLock { $0 } == Array(repeating: "TL00042", count: 10))
        #expect(notices.entries == [.disconnected(serial: "TL00042", reason: "the port hung up", waitingUpTo: .seconds(10))])
        // The batch was opened and stays open for the next run to resume.
        #expect(try store.findOpenBatch(source: "reader:TL00042") != nil)
    }

    @Test("--reconnect-timeout 0: a lost line ends the run at once, no time passes, the reader is not looked for",
          .timeLimit(.minutes(10)))
    func zeroReconnectTimeoutGivesUpAtOnce() async throws {
        let bench = try PulledCableBench(reconnectTimeout: .zero)  // its clock is never advanced: the run can only end without waiting
        defer { bench.serving.cancel() }
        let (clock, scenario, pulled, reopenedWith, store, readout) =
            (bench.clock, bench.scenario, bench.pulled, bench.reopenedWith, bench.store, bench.readout)
        let notices = NoticeLog()
        await #expect {
            _ = try await readout.run(manifest: FaultBench.manifest(scenario), groupID: "IMPATIENT", progress: { p in
                if p.step == .loadingCard { pulled.withLock { $0 = true } }
            }, notify: { notices.record($0) })
        } throws: { error in
            ReaderRecovery(error).isConnectionLoss
        }
        #expect(clock.now == .init(offset: .zero))
        #expect(reopenedWith.withLock { $0 }.isEmpty)
        #expect(notices.entries.isEmpty)
        #expect(try store.findOpenBatch(source: "reader:TL00042") != nil)
    }
}
