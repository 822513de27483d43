import Benchmark
import Foundation
import LabStore
import LabWorkflow
import Logging

/// `tld import` of an existing lab of 10 000 enrolments (target: < 5 s, issue 10): the file's bytes
/// checked, national IDs sealed, everything written in one transaction on a store file (WAL,
/// `synchronous=FULL`); and the same file imported again, which changes nothing.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)

    let rows = 10_000
    Benchmark("import/\(rows) rows into an empty lab") { benchmark in
        let lab = try ImportWorkload(rows: rows)
        defer { lab.cleanup() }
        benchmark.startMeasurement()
        let summary = try lab.importFile()
        benchmark.stopMeasurement()
        precondition(summary.enrolmentsAdded == rows, "imported \(summary.enrolmentsAdded) of \(rows)")
    }
    Benchmark("import/\(rows) rows again (nothing changes)") { benchmark in
        let lab = try ImportWorkload(rows: rows)
        defer { lab.cleanup() }
        _ = try lab.importFile()
        benchmark.startMeasurement()
        let summary = try lab.importFile()
        benchmark.stopMeasurement()
        precondition(summary.changedNothing, "the second import changed something")
    }
}
