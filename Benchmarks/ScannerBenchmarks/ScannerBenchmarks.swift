import Benchmark
import DeviceIO
import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging

/// Scan to answer at the intake bench (issue 12, target < 50 ms): a USB-serial scanner on a pty
/// sends a card number and CR; the time until `IntakeStation` has judged and recorded it (one
/// committed transaction) — the moment `tld intake` prints the answer — for each of 500 cards.
/// The median and the slowest of the scans of one run, µs.
let medianLatency = BenchmarkMetric.custom("scan to answer, median (us)", useScalingFactor: false)
let worstLatency = BenchmarkMetric.custom("scan to answer, slowest (us)", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, medianLatency, worstLatency],
        warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 1)

    let scans = 500
    Benchmark("intake/\(scans) scans to answers, USB serial scanner on a pty") { benchmark in
        let bench = try await ScanBench.make(cards: scans)
        var events = bench.scanner.events.makeAsyncIterator()
        var latencies: [Duration] = []
        benchmark.startMeasurement()
        for card in bench.cards {
            let start = ContinuousClock.now
            try await bench.device.write(Array((card + "\r").utf8))
            guard case .card(let id) = await events.next() else { fatalError("scan of \(card) not read as a card") }
            let outcome = try bench.station.scan(id.rawValue)
            latencies.append(ContinuousClock.now - start)
            precondition(outcome.isAccepted, "\(outcome)")
        }
        benchmark.stopMeasurement()
        await bench.close()
        latencies.sort()
        benchmark.measurement(medianLatency, microseconds(latencies[latencies.count / 2]))
        benchmark.measurement(worstLatency, microseconds(latencies[latencies.count - 1]))
    }
}

func microseconds(_ d: Duration) -> Int {
    Int(d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000)
}

/// A return of `cards` issued cards in an in-memory lab, an open intake station and a serial scanner
/// reading the slave side of a pty whose master side plays the scanner.
final class ScanBench: @unchecked Sendable {
    let cards: [String]
    var station: IntakeStation
    let device: PseudoTerminalPair
    let scanner: SerialScanner

    private init(cards: [String], station: IntakeStation, device: PseudoTerminalPair, scanner: SerialScanner) {
        self.cards = cards
        self.station = station
        self.device = device
        self.scanner = scanner
    }

    static func make(cards count: Int) async throws -> ScanBench {
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let store = try SQLiteLabStore.inMemory(logger: logger)
        let protector = try NationalIDProtector(masterKey: Data(repeating: 0x5A, count: 32))
        _ = try store.saveCustomer(Customer(id: "K-1", name: "Bench"))
        let cards = (1...count).compactMap { CardID.make(payload: String(1_000_000 + $0))?.rawValue }
        try store.addCards(cards.map { Card(id: $0, dosimeterType: .wholeBody, stateChangedAt: Date()) })
        var requests: [IssueRequest] = []
        struct NotStored: Error {}
        for (i, card) in cards.enumerated() {
            let wearer = try store.addWearer(customerID: "K-1", name: "Wearer", nationalID: try protector.protect(
                String(format: "%02d%02d70-%04d", 1 + i % 28, 1 + (i / 28) % 12, 1000 + i)))
            guard let wearerID = wearer.id else { throw NotStored() }
            let enrolment = try store.enrol(Enrolment(
                wearerID: wearerID, customerID: "K-1", dosimeterType: .wholeBody, periodLength: .oneMonth,
                startDate: try CalendarDay(parsing: "2027-01-01"), orderedOn: try CalendarDay(parsing: "2026-12-01")))
            guard let enrolmentID = enrolment.id else { throw NotStored() }
            requests.append(IssueRequest(cardID: card, enrolmentID: enrolmentID, periodStart: try CalendarDay(parsing: "2027-01-01"),
                                         periodEnd: try CalendarDay(parsing: "2027-01-31")))
        }
        _ = try store.issueCards(requests, customerID: "K-1", dispatchedOn: try CalendarDay(parsing: "2026-12-14"))
        let station = try IntakeStation.open(store: store, customerID: "K-1", arrivedOn: try CalendarDay(parsing: "2027-02-05"), logger: logger)
        let device = try await PseudoTerminalPair.open()
        let scanner = try await SerialScanner.open(path: device.slavePath, configuration: ScannerConfiguration(debounceWindow: .zero), logger: logger)
        return ScanBench(cards: cards, station: station, device: device, scanner: scanner)
    }

    func close() async {
        await scanner.close()
        await device.close()
    }
}
