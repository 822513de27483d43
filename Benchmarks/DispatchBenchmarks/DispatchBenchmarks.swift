import Benchmark
import Foundation

/// `tld dispatch` for 1 000 and 10 000 active enrolments (target: < 2 s for 10 000): the day's run
/// (plan, allocation, one transaction per customer) and every customer's documents. The store is
/// prepared outside the measurement.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
        warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)

    for enrolments in [1_000, 10_000] {
        Benchmark("dispatch/\(enrolments) active enrolments") { benchmark in
            let w = try DispatchWorkload(enrolments: enrolments)
            defer { w.cleanup() }
            try w.prepare()
            benchmark.startMeasurement()
            let sent = try w.dispatch()
            benchmark.stopMeasurement()
            precondition(sent == enrolments, "sent \(sent) of \(enrolments)")
        }
    }
    // The same day again (a rerun after a kill, or a second dispatch of the day): nothing to send, and
    // every shipment's documents are there whole already, so none is made again.
    Benchmark("dispatch rerun/10000 active enrolments, nothing new") { benchmark in
        let w = try DispatchWorkload(enrolments: 10_000)
        defer { w.cleanup() }
        try w.prepare()
        let first = try w.dispatch()
        precondition(first == 10_000, "sent \(first) on the first run")
        benchmark.startMeasurement()
        let sent = try w.dispatch(expectingWritten: false)
        benchmark.stopMeasurement()
        precondition(sent == 0, "sent \(sent) again")
    }
}
