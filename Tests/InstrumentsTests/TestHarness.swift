import Instruments
import Logging
import ReaderProtocol
import Synchronization
import TestSupport

/// Fast timings for tests: T_reply 1 s, T_poll 2 ms. The suite runs in parallel: on a 2-core machine
/// with the other core loaded, CPU-heavy tests beside these can hold Swift's cooperative pool for a
/// few hundred milliseconds, and a reply that arrives while the pool is held would count as lost
/// (a spurious retransmission the counters assert against). 1 s keeps that margin; the few tests
/// that drop a reply on purpose pay it once per drop, or advance a manual clock instead.
let fastConfiguration = TLReaderConfiguration(
    link: LinkConfiguration(replyTimeout: .seconds(1)), pollInterval: .milliseconds(2),
    operationTimeout: .seconds(5))

let quietLogger = Logger(label: "InstrumentsTests") { _ in SwiftLogNoOpLogHandler() }

/// A fake reader serving one end of a memory link and a driver on the other.
struct Harness {
    let fake: FakeReader
    let link: MemoryLink
    let reader: TLReader
    let serving: Task<Void, Never>

    /// - Parameter clock: the link's and the driver's clock (a test that lets time pass gives a manual
    ///   clock, usually the fake reader's too).
    init(fake: FakeReader, configuration: TLReaderConfiguration = fastConfiguration,
         clock: some Clock<Duration> = ContinuousClock()) {
        self.fake = fake
        link = MemoryLink(clock: clock)
        reader = TLReader(transport: link.host, configuration: configuration, clock: clock, logger: quietLogger)
        let device = link.device
        serving = Task { await fake.serve(device) }
    }

    /// A new connection to the same reader (after a cut cable or a host crash).
    func reconnected(configuration: TLReaderConfiguration = fastConfiguration) async -> Harness {
        await finish()
        return Harness(fake: fake, configuration: configuration)
    }

    func finish() async {
        await link.cut()
        await serving.value
    }
}

/// Runs `body` with a harness and always tears it down.
@discardableResult
func withHarness<T>(_ fake: FakeReader, configuration: TLReaderConfiguration = fastConfiguration,
                    clock: some Clock<Duration> = ContinuousClock(),
                    _ body: (Harness) async throws -> T) async throws -> T {
    let h = Harness(fake: fake, configuration: configuration, clock: clock)
    do {
        let result = try await body(h)
        await h.finish()
        return result
    } catch {
        await h.finish()
        throw error
    }
}

/// Runs `body` while the driver's polls pass on `clock`: whenever something sleeps until exactly
/// `now + step` (the driver between two polls), time moves on by `step`. Nothing else moves time, so a
/// reply timeout (T_reply, much longer than a poll) passes only when the test advances it itself.
func whilePolling<T>(_ clock: ManualClock, every step: Duration = fastConfiguration.pollInterval,
                     _ body: () async throws -> T) async rethrows -> T {
    let ticker = Task {
        while true {
            do { try await clock.waitForSleeper(after: step) } catch { return }  // cancelled: body is done
            clock.advance(by: step)
        }
    }
    defer { ticker.cancel() }
    return try await body()
}

/// Returns once every injected fault of `link` has fired (the dropped reply was dropped); no time passes.
func faultsFired(_ link: MemoryLink, leaving left: Int = 0) async throws {
    while await link.pendingFaults() > left {
        try Task.checkCancellation()
        await Task.yield()
    }
}

/// Three cards of four unread elements each.
func threeCards() -> [FakeReader.Card] {
    [FakeReader.Card("C0001"), FakeReader.Card("C0002"), FakeReader.Card("C0003")]
}

struct SinkFailure: Error, CustomStringConvertible {
    var description: String { "disk full (test)" }
}

/// A sink that records everything, checks each reading's CRC, and can fail on the n-th store.
actor RecordingSink: ReadoutSink {
    private(set) var stored: [ElementReading] = []
    private(set) var lost: [(card: String, element: Int, reason: String)] = []
    private(set) var started: [(card: String, states: [ElementState])] = []
    private(set) var finished: [String] = []
    private(set) var storeCalls = 0
    var failOnStoreCall: Int?

    init(failOnStoreCall: Int? = nil) { self.failOnStoreCall = failOnStoreCall }

    func setFailOnStoreCall(_ n: Int?) { failOnStoreCall = n }

    func store(_ reading: ElementReading) async throws {
        storeCalls += 1
        if storeCalls == failOnStoreCall { throw SinkFailure() }
        stored.append(reading)
    }
    func recordLost(cardID: String, element: Int, reason: String) async throws {
        lost.append((cardID, element, reason))
    }
    func cardStarted(cardID: String, elementStates: [ElementState]) async throws {
        started.append((cardID, elementStates))
    }
    func cardFinished(cardID: String) async throws { finished.append(cardID) }

    /// (card, element) of every stored reading, in order.
    var storedKeys: [FakeReader.Key] { stored.map { FakeReader.Key(card: $0.cardID, element: $0.element) } }
}

/// Collects progress reports from the reader's actor.
final class ProgressLog: Sendable {
    private let storage = Mutex<[ReadoutProgress]>([])
    var entries: [ReadoutProgress] { storage.withLock { $0 } }
    func record(_ p: ReadoutProgress) { storage.withLock { $0.append(p) } }
}

/// The true curve of an element, as the fake reader holds it.
func trueCurve(_ card: String, _ element: Int, channels: Int = 200) -> [CurveChannel] {
    FakeReader.curve(card: card, element: element, channels: channels)
}
