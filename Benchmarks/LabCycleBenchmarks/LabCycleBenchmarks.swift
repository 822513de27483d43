import Benchmark
import Foundation

/// The lab cycle of a returned shipment, phase by phase, for 1 000 and 10 000 cards. Each benchmark
/// prepares its own store (not measured) and measures one phase once; divide by the card count for
/// the time per card. Peak resident memory for 1 000 and 10 000 cards shows whether it stays flat.

/// Time spent inside the in-process simulated reader during a readout, ms.
let simulatorTime = BenchmarkMetric.custom("simulator time (ms)", useScalingFactor: false)
/// Time spent making the simulated reader of each magazine during a readout, ms (also not the lab's).
let simulatorSetupTime = BenchmarkMetric.custom("simulator set-up (ms)", useScalingFactor: false)
/// The lab software's time per card, µs: the phase's wall time (the readout's minus the simulator's
/// share) divided by the card count, measured around the phase alone.
let softwarePerCard = BenchmarkMetric.custom("software time per card (us)", useScalingFactor: false)

/// Wall time of `body`.
func elapsed(_ body: () async throws -> Void) async rethrows -> Duration {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    return start.duration(to: clock.now)
}

func milliseconds(_ d: Duration) -> Int {
    Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
}

func microseconds(_ d: Duration) -> Int {
    Int(d.components.seconds * 1_000_000 + d.components.attoseconds / 1_000_000_000_000)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, softwarePerCard],
        warmupIterations: 0, maxDuration: .seconds(3_600), maxIterations: 1)

    for cards in [1_000, 10_000] {
        Benchmark("intake+inspection/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            benchmark.startMeasurement()
            let spent = try await elapsed {
                try w.intake()
                try w.inspect()
            }
            benchmark.stopMeasurement()
            benchmark.measurement(softwarePerCard, microseconds(spent) / cards)
        }
        Benchmark("readout (simulator, fast)/\(cards) cards", configuration: .init(
            metrics: Benchmark.defaultConfiguration.metrics + [simulatorTime, simulatorSetupTime],
            warmupIterations: 0, maxDuration: .seconds(3_600), maxIterations: 1)) { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            try w.intake()
            try w.inspect()
            benchmark.startMeasurement()
            let spent = try await elapsed { try await w.readout() }
            benchmark.stopMeasurement()
            // The simulated reader runs in this process: report its share to subtract it from the lab's.
            let simulator = w.simulatorTime.value
            let setUp = w.simulatorSetupTime.value
            benchmark.measurement(simulatorTime, milliseconds(simulator))
            benchmark.measurement(simulatorSetupTime, milliseconds(setUp))
            benchmark.measurement(softwarePerCard, microseconds(spent - simulator - setUp) / cards)
        }
        Benchmark("evaluation+release/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            try w.intake()
            try w.inspect()
            try await w.readout()
            benchmark.startMeasurement()
            let spent = try await elapsed { try w.evaluate() }
            benchmark.stopMeasurement()
            benchmark.measurement(softwarePerCard, microseconds(spent) / cards)
        }
        Benchmark("reissue/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            benchmark.startMeasurement()
            let spent = try await elapsed { try w.reissue() }
            benchmark.stopMeasurement()
            benchmark.measurement(softwarePerCard, microseconds(spent) / cards)
        }
    }

    /// `tld results` for a customer with 2 000 wearers whose doses are released: the result list read
    /// from the store and its text, HTML, CSV and PDF written (the fonts are read on first use, cold).
    Benchmark("results/2000 wearers, released doses", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)) { benchmark in
        let w = try ShipmentWorkload(cards: 2_000)
        try await w.prepareReleased()
        let out = w.directory.appendingPathComponent("results").path
        // Once, cold, as the command runs in a fresh process (the fonts are read on first use).
        benchmark.startMeasurement()
        let lines = try w.resultList(into: out)
        benchmark.stopMeasurement()
        precondition(lines == 2_000, "listed \(lines) lines")
    }
}
