import Benchmark
import Foundation

/// The lab cycle of a returned shipment, phase by phase, for 1 000 and 10 000 cards. Each benchmark
/// prepares its own store (not measured) and measures one phase once; divide by the card count for
/// the time per card. Peak resident memory for 1 000 and 10 000 cards shows whether it stays flat.
/// Time spent inside the in-process simulated reader during a readout, ms.
let simulatorTime = BenchmarkMetric.custom("simulator time (ms)", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        warmupIterations: 0, maxDuration: .seconds(3_600), maxIterations: 1)

    for cards in [1_000, 10_000] {
        Benchmark("intake+inspection/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            benchmark.startMeasurement()
            try w.intake()
            try w.inspect()
            benchmark.stopMeasurement()
        }
        Benchmark("readout (simulator, fast)/\(cards) cards", configuration: .init(
            metrics: Benchmark.defaultConfiguration.metrics + [simulatorTime],
            warmupIterations: 0, maxDuration: .seconds(3_600), maxIterations: 1)) { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            try w.intake()
            try w.inspect()
            benchmark.startMeasurement()
            try await w.readout()
            benchmark.stopMeasurement()
            // The simulated reader runs in this process: report its share to subtract it from the lab's.
            let simulator = w.simulatorTime.value
            benchmark.measurement(simulatorTime,
                                  Int(simulator.components.seconds * 1000 + simulator.components.attoseconds / 1_000_000_000_000_000))
        }
        Benchmark("evaluation+release/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            try w.intake()
            try w.inspect()
            try await w.readout()
            benchmark.startMeasurement()
            try w.evaluate()
            benchmark.stopMeasurement()
        }
        Benchmark("reissue/\(cards) cards") { benchmark in
            let w = try ShipmentWorkload(cards: cards)
            try w.prepare()
            benchmark.startMeasurement()
            try w.reissue()
            benchmark.stopMeasurement()
        }
    }
}
