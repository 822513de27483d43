import Benchmark
import Foundation

/// `tld results` for a customer with 2 000 wearers whose doses are released (target, issue 10: under
/// 0.5 s): the result list read from the store and its text, HTML, CSV and PDF written. The lab up to
/// the released doses (intake, readout on the simulated reader, evaluation, release) is prepared
/// outside the measurement.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)

    Benchmark("results/2000 wearers, released doses") { benchmark in
        let w = try ResultListWorkload(cards: 2_000)
        try await w.prepareReleased()
        let out = w.directory.appendingPathComponent("results").path
        // Once, cold, as the command runs in a fresh process (the fonts are read on first use).
        benchmark.startMeasurement()
        let lines = try w.resultList(into: out)
        benchmark.stopMeasurement()
        precondition(lines == 2_000, "listed \(lines) lines")
    }
}
