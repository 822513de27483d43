import Benchmark
import Foundation
import LabStore
import LabStorePostgres
import LabStoreSQLite
import Logging

/// The stores and threads of the store benchmarks.
enum StoreBench {
    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `TLD_BENCH_POSTGRES_URL`, parsed; nil when unset.
    static let postgresURL: PostgresURL? = {
        guard let text = ProcessInfo.processInfo.environment["TLD_BENCH_POSTGRES_URL"] else { return nil }
        do { return try PostgresURL(parsing: text) } catch { fatalError("TLD_BENCH_POSTGRES_URL: \(error)") }
    }()

    /// The local cluster's folder (`pg-test-cluster.sh start` exports it as `TLD_TEST_PG_DIR`), whose
    /// processes' CPU time the PostgreSQL benchmarks report; nil: not measured.
    static let clusterDirectory = ProcessInfo.processInfo.environment["TLD_BENCH_PG_DIR"]
        ?? ProcessInfo.processInfo.environment["TLD_TEST_PG_DIR"]

    /// The server's CPU per element in microseconds: all processes of the cluster (the postmaster,
    /// its backends, the WAL writer, the checkpointer, …).
    static let serverCPU = BenchmarkMetric.custom("server CPU per element (us)", polarity: .prefersSmaller, useScalingFactor: false)

    /// CPU time so far of the cluster's running processes in nanoseconds (`/proc/PID/schedstat`),
    /// nil when there is no local cluster to read. A backend that exits takes its time with it, so
    /// read it while the benches' connections are open.
    static func serverCPUNanoseconds() -> UInt64? {
        guard let directory = clusterDirectory,
              let pidFile = try? String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8),
              let postmaster = pidFile.split(separator: "\n").first.map(String.init) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(postmaster)/task/\(postmaster)/children", encoding: .utf8)) ?? ""
        var total: UInt64 = 0
        for pid in [postmaster] + children.split(separator: " ").map(String.init) {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/schedstat", encoding: .utf8),
                  let onCPU = stat.split(separator: " ").first.flatMap({ UInt64($0) }) else { continue }
            total += onCPU
        }
        return total
    }

    /// This process's CPU per element in microseconds (the benches' threads and their event loops),
    /// at the clock's nanosecond resolution (`.cpuTotal` counts in 10 ms ticks).
    static let clientCPU = BenchmarkMetric.custom("client CPU per element (us)", polarity: .prefersSmaller, useScalingFactor: false)

    /// This process's CPU time so far in nanoseconds.
    static func clientCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Reports this process's CPU since `start` (from ``clientCPUNanoseconds()``) per element.
    static func reportClientCPU(_ benchmark: Benchmark, since start: UInt64, elements: Int) {
        benchmark.measurement(clientCPU, Int((clientCPUNanoseconds() - start) / UInt64(elements) / 1_000))
    }

    /// Reports the server's CPU since `start` (from ``serverCPUNanoseconds()``) per element.
    static func reportServerCPU(_ benchmark: Benchmark, since start: UInt64?, elements: Int) {
        guard let start, let end = serverCPUNanoseconds(), end >= start else { return }
        benchmark.measurement(serverCPU, Int((end - start) / UInt64(elements) / 1_000))
    }

    static func skip() {
        print("StoreBenchmarks: TLD_BENCH_POSTGRES_URL is not set: the PostgreSQL benchmark measures nothing")
    }

    /// A fresh SQLite lab file in a temporary folder.
    struct SQLiteLab {
        let directory: URL
        let path: String
        let store: SQLiteLabStore
        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func sqlite() throws -> SQLiteLab {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tld-store-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("lab.sqlite").path
        return SQLiteLab(directory: directory, path: path, store: try SQLiteLabStore.open(path: path, logger: logger))
    }

    /// The bench's thread waits while its reader heats an element (a compressed acquisition): a
    /// sleep, no CPU of this machine, as `tld readout` waits for the reader's reply.
    static func waitForReader(microseconds: Int) {
        var remaining = timespec(tv_sec: microseconds / 1_000_000, tv_nsec: (microseconds % 1_000_000) * 1_000)
        var request = remaining
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// Runs `body(0..<count)` each on its own thread (a bench's readout loop has its own writer
    /// thread); returns when all are done, rethrowing the first error.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        let group = DispatchGroup()
        let failure = FirstError()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                do { try body(index) } catch { failure.record(error) }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        if let error = failure.error { throw error }
    }
}

/// The first error of several threads.
final class FirstError: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var first: (any Error)?
    func record(_ error: any Error) { lock.withLock { if first == nil { first = error } } }
    var error: (any Error)? { lock.withLock { first } }
}
