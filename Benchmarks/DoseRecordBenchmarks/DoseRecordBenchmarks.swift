import Benchmark
import Foundation

/// The lab, built on first use (a global is initialised lazily, once), not when the benchmarks are listed.
let sharedWorkload = Result { try DoseRecordWorkload() }

/// Issue 13's benchmarks on ten years of a lab (DoseRecordWorkload, built once outside the
/// measurements): the annual review of a customer with 500 workers × 10 years of monthly periods
/// (target < 1 s), the registry export of 100 080 records (< 10 s), one person's history (< 10 ms).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)

    Benchmark("annual review/500 workers × 10 years monthly", configuration: .init(maxDuration: .seconds(60), maxIterations: 10)) { benchmark in
        let workload = try sharedWorkload.get()
        benchmark.startMeasurement()
        let bytes = try workload.annualReview()
        benchmark.stopMeasurement()
        precondition(bytes > 0)
    }
    Benchmark("person history/120 periods", configuration: .init(warmupIterations: 3, maxDuration: .seconds(30), maxIterations: 200)) { benchmark in
        let workload = try sharedWorkload.get()
        benchmark.startMeasurement()
        let n = try workload.history()
        benchmark.stopMeasurement()
        precondition(n >= 120)
    }
    // Once: the export log then holds every record, so a second run would send nothing.
    Benchmark("registry export/100080 records") { benchmark in
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("registry-bench-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let workload = try sharedWorkload.get()
        benchmark.startMeasurement()
        let records = try workload.registryExport(to: path)
        benchmark.stopMeasurement()
        precondition(records == 100_080, "exported \(records)")
    }
}
