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
