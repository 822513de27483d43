import Benchmark
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite

/// Issue 15: the readout's store path per element on PostgreSQL against SQLite, and several benches
/// writing into one PostgreSQL at once against one.
///
/// The store path of one element is what `StoreReadoutSink` asks of the store before the reader may
/// release the element: `saveReadoutCurve` (look for an earlier row of the element, insert the
/// 200-channel curve, commit durably). PostgreSQL runs on the server of `TLD_BENCH_POSTGRES_URL`
/// (e.g. `eval "$(../scripts/pg-test-cluster.sh start)"; export TLD_BENCH_POSTGRES_URL=$TLD_TEST_POSTGRES_URL`);
/// without it the PostgreSQL benchmarks say so and measure nothing.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput],
        warmupIterations: 5, maxDuration: .seconds(60), maxIterations: 400)

    // One element per iteration: the per-element figure is the iteration's wall clock.
    Benchmark("store path per element/SQLite file (WAL, synchronous=FULL)") { benchmark in
        let bench = try StoreBench.sqlite()
        defer { bench.remove() }
        let writer = try BenchWriter(store: bench.store, source: "bench-sqlite")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try writer.storeNextElement() }
        benchmark.stopMeasurement()
    }
    Benchmark("store path per element/PostgreSQL") { benchmark in
        guard let url = StoreBench.postgresURL else { return StoreBench.skip() }
        let store = try PostgresLabStore.open(url: url, logger: StoreBench.logger)
        defer { store.close() }
        let writer = try BenchWriter(store: store, source: "bench-pg-\(UUID().uuidString)")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try writer.storeNextElement() }
        benchmark.stopMeasurement()
    }

    // Benches at once: each bench its own connection (as its own `tld readout` process has) and its
    // own open batch, `elementsPerBench` elements each; one iteration is the whole round.
    let elementsPerBench = 200
    for benches in [1, 3] {
        Benchmark("benches at once/PostgreSQL, \(benches) × \(elementsPerBench) elements",
                  configuration: .init(metrics: [.wallClock, .cpuTotal], warmupIterations: 1, maxDuration: .seconds(120), maxIterations: 10)) { benchmark in
            guard let url = StoreBench.postgresURL else { return StoreBench.skip() }
            for _ in benchmark.scaledIterations {
                let stores = try (0..<benches).map { _ in try PostgresLabStore.open(url: url, logger: StoreBench.logger) }
                defer { for store in stores { store.close() } }
                let writers = try stores.map { try BenchWriter(store: $0, source: "bench-pg-\(UUID().uuidString)") }
                benchmark.startMeasurement()
                try StoreBench.onThreads(writers.count) { index in
                    for _ in 0..<elementsPerBench { try writers[index].storeNextElement() }
                }
                benchmark.stopMeasurement()
            }
        }
        Benchmark("benches at once/SQLite file, \(benches) × \(elementsPerBench) elements",
                  configuration: .init(metrics: [.wallClock, .cpuTotal], warmupIterations: 1, maxDuration: .seconds(120), maxIterations: 10)) { benchmark in
            for _ in benchmark.scaledIterations {
                let bench = try StoreBench.sqlite()
                defer { bench.remove() }
                // Each bench its own store on the one file, as separate processes would open it.
                let stores = try (0..<benches).map { _ in try SQLiteLabStore.open(path: bench.path, logger: StoreBench.logger) }
                let writers = try stores.map { try BenchWriter(store: $0, source: "bench-sqlite-\(UUID().uuidString)") }
                benchmark.startMeasurement()
                try StoreBench.onThreads(writers.count) { index in
                    for _ in 0..<elementsPerBench { try writers[index].storeNextElement() }
                }
                benchmark.stopMeasurement()
            }
        }
    }
}
