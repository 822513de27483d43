import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import Synchronization
import TLSimulator

/// A returned shipment of `cards` whole-body cards of one customer, run through the lab cycle on a
/// store file: intake, arrival inspection, readout on the simulated reader (in-process link, fast
/// mode) in magazines of `magazine` cards, evaluation and release, and reissue of as many cards.
final class ShipmentWorkload: @unchecked Sendable {  // used by one benchmark at a time, sequentially
    let cards: Int
    let magazine: Int
    let directory: URL
    let store: SQLiteLabStore
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    let customer = "K-BENCH"
    var cardIDs: [String] = []
    var batches: [ReadoutBatch.ID] = []
    /// Time spent inside the simulated reader (curve synthesis, framing), to tell it apart from the lab's.
    let simulatorTime = TimeAccumulator()
    /// Time spent making the simulated reader of each magazine (scenario cards' trap populations).
    let simulatorSetupTime = TimeAccumulator()
    static let arrival = CalendarDay(daysSinceEpoch: 20_760)  // 2026-11-04

    init(cards: Int, magazine: Int = 500) throws {
        self.cards = cards
        self.magazine = magazine
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tld-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteLabStore.open(path: directory.appendingPathComponent("lab.sqlite").path,
                                        logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    static func cardID(_ n: Int) -> String {
        let s = String(n)
        let body = "1" + String(repeating: "0", count: max(0, 6 - s.count)) + s
        return body + String(CardID.luhnCheckDigit(body))
    }

    /// Customer, wearers (sealed IDs), enrolments, cards (twice the shipment: the rest is reissue
    /// stock) and the outgoing shipment of the period now returned. Not measured.
    func prepare() throws {
        let protector = try NationalIDProtector(masterKey: Data(repeating: 0x5A, count: 32))
        _ = try store.saveCustomer(Customer(id: customer, name: "Benchmark Hospital"))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: CalendarDay(daysSinceEpoch: 20_454), priceMinorUnits: 12_500))
        cardIDs = (1...cards).map(Self.cardID)
        try store.addCards((1...(2 * cards)).map { Card(id: Self.cardID($0), dosimeterType: .wholeBody, stateChangedAt: Date()) })
        var requests: [IssueRequest] = []
        let start = try CalendarDay(parsing: "2026-07-15")
        let end = try CalendarDay(parsing: "2026-10-14")
        for (i, card) in cardIDs.enumerated() {
            // Made-up CPR-shaped numbers: day 01–28, month 01–12, serial from the index.
            let serial = String(10_000 + i % 9_000).suffix(4)
            let fake = String(format: "%02d%02d80-", i % 28 + 1, i % 12 + 1) + serial
            let w = try store.addWearer(customerID: customer, name: "Wearer \(i)", nationalID: try protector.protect(fake))
            let e = try store.enrol(Enrolment(wearerID: w.id!, customerID: customer, dosimeterType: .wholeBody,
                                              periodLength: .threeMonths, startDate: start, orderedOn: start.adding(days: -20)))
            requests.append(IssueRequest(cardID: card, enrolmentID: e.id!, periodStart: start, periodEnd: end))
        }
        _ = try store.issueCards(requests, customerID: customer, dispatchedOn: start.adding(days: -7))
    }

    /// Every card scanned at the bench.
    func intake() throws {
        var station = try IntakeStation.open(store: store, customerID: customer, arrivedOn: Self.arrival, logger: logger)
        for card in cardIDs {
            guard try station.scan(card).isAccepted else { throw WorkloadError.notAccepted(card) }
        }
        _ = try station.close()
    }

    func inspect() throws {
        for card in cardIDs {
            _ = try store.saveInspection(CardInspection(cardID: card, issueID: nil, stage: .arrival, outcome: .fit,
                                                        damages: [], inspectedBy: "bench", inspectedAt: Date()))
        }
    }

    /// Magazine after magazine on the simulated reader, in-process (no pty), elements read instantly.
    func readout() async throws {
        for (m, start) in stride(from: 0, to: cardIDs.count, by: magazine).enumerated() {
            let chunk = Array(cardIDs[start..<min(start + magazine, cardIDs.count)])
            var list: [ScenarioCard] = ["90000019", "90000027", "90000035"].map {
                ScenarioCard(id: $0, role: .calibration, hp10MilliSievert: 2, hp007MilliSievert: 2, quality: "S-Cs", daysSinceAnneal: 16)
            }
            list += ["80000011", "80000029"].map {
                ScenarioCard(id: $0, role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0, quality: "S-Cs", daysSinceAnneal: 110)
            }
            list += chunk.enumerated().map { i, id in
                ScenarioCard(id: id, role: .worker, hp10MilliSievert: 0.1 + Double(i % 20) * 0.1, hp007MilliSievert: 0.1 + Double(i % 20) * 0.1,
                             quality: "S-Cs", daysSinceAnneal: 110)
            }
            let scenario = Scenario(seed: UInt64(m + 1), reader: ReaderDescription(model: "TLR-6600S", serial: "BENCH", firmware: "1.4.2"),
                                    elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: 80, cards: list)
            // Making the simulated reader (its magazine's trap populations) is the simulator's time too.
            let made = ContinuousClock.now
            let connection = SimulatedReaderConnection(engine: try ReaderEngine(scenario: scenario, pace: .elementMilliseconds(0)))
            simulatorSetupTime.add(made.duration(to: .now))
            let link = MemoryLink()
            let serving = Task { [simulatorTime] in await Self.serve(connection, on: link.device, timing: simulatorTime) }
            let reader = TLReader(transport: link.host, logger: logger)
            var job = ReadoutJob(store: store, logger: logger)
            job.evaluatesDoses = false
            let manifest = scenario.cards.map { c in
                ShipmentCard(cardID: c.id, role: c.role == .calibration ? .calibration : c.role == .control ? .control : .worker,
                             annealedAt: Date().addingTimeInterval(-c.daysSinceAnneal * 86_400),
                             deliveredHp10MilliSievert: c.role == .calibration ? 2 : nil,
                             deliveredHp007MilliSievert: c.role == .calibration ? 2 : nil, referenceField: c.role == .calibration ? "S-Cs" : nil)
            }
            let result = try await job.run(reader: reader, manifest: manifest, groupID: "BENCH-\(m)")
            await reader.close()
            await link.cut()
            await serving.value
            guard case let .read(outcome) = result, let id = outcome.batch.id else { throw WorkloadError.nothingRead(m) }
            try store.markCardsRead(batch: id)
            batches.append(id)
        }
    }

    /// Doses of every batch, the review policy, release of the unflagged, cards marked released.
    func evaluate() throws {
        let evaluator = BatchEvaluator(store: store, logger: logger)
        let review = DoseReview(store: store, reviewLevelMilliSievert: 5, logger: logger)
        for batch in batches {
            try evaluator.evaluate(batchID: batch)
            try review.applyPolicy(batch: batch)
            try review.releaseUnflagged(batch: batch)
        }
        try store.markReleasedCards()
    }

    /// The next period's cards for every enrolment, from stock, in one shipment.
    func reissue() throws {
        let (shipment, plan) = try Reissue(store: store, logger: logger).run(customerID: customer, dispatchDay: Self.arrival.adding(days: 2))
        guard shipment != nil, plan.requests.count == cards else { throw WorkloadError.reissued(plan.requests.count) }
    }

    static func serve(_ connection: SimulatedReaderConnection, on device: MemoryTransport, timing: TimeAccumulator) async {
        let clock = ContinuousClock()
        while true {
            let bytes: [UInt8]
            do { bytes = try await device.read(maxCount: 4096, timeout: .milliseconds(5)) } catch { return }
            let start = clock.now
            guard !bytes.isEmpty else {
                connection.advance(milliseconds: 0)
                let spent = clock.now - start
                timing.add(spent)
                continue
            }
            let reply = connection.exchange(bytes)
            let spent = clock.now - start
            timing.add(spent)
            if !reply.isEmpty { do { try await device.write(reply) } catch { return } }
        }
    }

    enum WorkloadError: Error {
        case notAccepted(String)
        case nothingRead(Int)
        case reissued(Int)
    }
}

/// A duration summed from several tasks.
final class TimeAccumulator: Sendable {
    private let total = Mutex(Duration.zero)
    func add(_ d: Duration) { total.withLock { $0 += d } }
    var value: Duration { total.withLock { $0 } }
}
