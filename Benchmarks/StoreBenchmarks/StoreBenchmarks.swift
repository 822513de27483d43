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

    // One element per iteration, on a store and batch opened once in the setup: every sample is one
    // more element on a warm connection, as a bench's readout stores hundreds in one process (a
    // first element on a new connection also pays for the server's catalog and plan caches).
    let sqliteSlot = WriterSlot()
    Benchmark("store path per element/SQLite file (WAL, synchronous=FULL)",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput, StoreBench.clientCPU],
                                   warmupIterations: 5, maxDuration: .seconds(60), maxIterations: 400)) { benchmark in
        let writer = try sqliteSlot.writer()
        let client = StoreBench.clientCPUNanoseconds()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try writer.storeNextElement() }
        benchmark.stopMeasurement()
        StoreBench.reportClientCPU(benchmark, since: client, elements: benchmark.scaledIterations.count)
    } setup: {
        let bench = try StoreBench.sqlite()
        try sqliteSlot.fill(writer: BenchWriter(store: bench.store, source: "bench-sqlite"), close: { bench.remove() })
    } teardown: {
        sqliteSlot.empty()
    }
    let postgresSlot = WriterSlot()
    Benchmark("store path per element/PostgreSQL",
              configuration: .init(metrics: [.wallClock, .cpuTotal, .throughput, StoreBench.clientCPU, StoreBench.serverCPU],
                                   warmupIterations: 5, maxDuration: .seconds(60), maxIterations: 400)) { benchmark in
        guard StoreBench.postgresURL != nil else { return StoreBench.skip() }
        let writer = try postgresSlot.writer()
        let server = StoreBench.serverCPUNanoseconds()
        let client = StoreBench.clientCPUNanoseconds()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { try writer.storeNextElement() }
        benchmark.stopMeasurement()
        StoreBench.reportClientCPU(benchmark, since: client, elements: benchmark.scaledIterations.count)
        StoreBench.reportServerCPU(benchmark, since: server, elements: benchmark.scaledIterations.count)
    } setup: {
        guard let url = StoreBench.postgresURL else { return }
        let store = try PostgresLabStore.open(url: url, logger: StoreBench.logger)
        try postgresSlot.fill(writer: BenchWriter(store: store, source: "bench-pg-\(UUID().uuidString)"), close: { store.close() })
    } teardown: {
        postgresSlot.empty()
    }

    // Benches at once: each bench its own connection (as its own `tld readout` process has) and its
    // own open batch, `elementsPerBench` elements each; one iteration is the whole round.
    //
    // With the reader's time: a real bench waits for its reader to heat each element (≈ 27 s of
    // acquisition with the lab's profile) and then stores the curve, so the database serves the
    // benches in turns; what matters is whether it makes them wait for each other. "benches with
    // reader time" compresses that wait to `readerMicroseconds` on the bench's thread (the reader's
    // heater, not this machine's CPU) before each element's store path — 0.5 ms, about the store path
    // itself, and 2 ms — so that the store path is a large share of a bench's cycle (real: 0.002 %).
    // "benches at once" has none: the store path back to back.
    let elementsPerBench = 200
    for readerMicroseconds in [0, 500, 2_000] {
        for benches in [1, 3] {
            let name = { (backend: String) in
                readerMicroseconds == 0
                    ? "benches at once/\(backend), \(benches) × \(elementsPerBench) elements"
                    : "benches with reader time/\(backend), \(benches) × \(elementsPerBench) elements, reader \(readerMicroseconds) us"
            }
            // Stores `elementsPerBench` elements on each writer at once, each after its reader's time.
            let storeRound: @Sendable ([BenchWriter]) throws -> Void = { writers in
                try StoreBench.onThreads(writers.count) { index in
                    for _ in 0..<elementsPerBench {
                        if readerMicroseconds > 0 { StoreBench.waitForReader(microseconds: readerMicroseconds) }
                        try writers[index].storeNextElement()
                    }
                }
            }
            Benchmark(name("PostgreSQL"),
                      configuration: .init(metrics: [.wallClock, .cpuTotal, StoreBench.clientCPU, StoreBench.serverCPU], warmupIterations: 1,
                                           maxDuration: .seconds(120), maxIterations: 10)) { benchmark in
                guard let url = StoreBench.postgresURL else { return StoreBench.skip() }
                for _ in benchmark.scaledIterations {
                    let stores = try (0..<benches).map { _ in try PostgresLabStore.open(url: url, logger: StoreBench.logger) }
                    defer { for store in stores { store.close() } }
                    let writers = try stores.map { try BenchWriter(store: $0, source: "bench-pg-\(UUID().uuidString)") }
                    let server = StoreBench.serverCPUNanoseconds()
                    let client = StoreBench.clientCPUNanoseconds()
                    benchmark.startMeasurement()
                    try storeRound(writers)
                    benchmark.stopMeasurement()
                    StoreBench.reportClientCPU(benchmark, since: client, elements: benches * elementsPerBench)
                    StoreBench.reportServerCPU(benchmark, since: server, elements: benches * elementsPerBench)
                }
            }
            Benchmark(name("SQLite file"),
                      configuration: .init(metrics: [.wallClock, .cpuTotal, StoreBench.clientCPU], warmupIterations: 1,
                                           maxDuration: .seconds(120), maxIterations: 10)) { benchmark in
                for _ in benchmark.scaledIterations {
                    let bench = try StoreBench.sqlite()
                    defer { bench.remove() }
                    // Each bench its own store on the one file, as separate processes would open it.
                    let stores = try (0..<benches).map { _ in try SQLiteLabStore.open(path: bench.path, logger: StoreBench.logger) }
                    let writers = try stores.map { try BenchWriter(store: $0, source: "bench-sqlite-\(UUID().uuidString)") }
                    let client = StoreBench.clientCPUNanoseconds()
                    benchmark.startMeasurement()
                    try storeRound(writers)
                    benchmark.stopMeasurement()
                    StoreBench.reportClientCPU(benchmark, since: client, elements: benches * elementsPerBench)
                }
            }
        }
    }
}
