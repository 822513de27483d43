import Foundation
import Testing

// Tests that compute for seconds (glow-curve fits of whole batches, the type test, a year of lab
// work in one process) run on threads of their own, not on Swift's cooperative pool.
//
// Why: `swift test --parallel` runs every test as a task on the cooperative pool, which has one
// thread per core: two on this machine. A synchronous test that fits curves for a minute holds a
// pool thread for that minute; two of them hold the whole pool, and every other test — the driver
// and link tests with a 1 s reply timeout, the watchdogs, even a test's own time limit — waits for
// them. Seen in the first parallel runs (issue 14): three injected-clock tests hit their hang guard
// and a magazine-readout test timed out after about 190 s of a held pool.
//
// `.cpuHeavy` on a test or a suite runs each of its test cases with a task-executor preference
// (SE-0417) for `CPUHeavyLane.shared`: the test's body, its child tasks and the default actors it
// calls run on the lane's threads. The lane has one thread, so heavy tests take their turns on it
// while the pool stays free for the rest; the kernel shares the cores between the two.
// (Unstructured `Task {}` and `Task.detached` inside such a test still start on the pool: keep them
// short.)

/// A task executor with threads of its own, for CPU-bound test work.
public final class CPUHeavyLane: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `threads` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var threads: [pthread_t] = []

    /// The lane `.cpuHeavy` tests run on: one thread, so they take turns and leave a core to the pool.
    public static let shared = CPUHeavyLane(name: "cpu-heavy tests", threads: 1)

    public init(name: String, threads: Int) {
        for index in 0..<max(1, threads) {
            // The thread holds the lane: a lane lives as long as the test process.
            let thread = Thread {
                self.condition.lock()
                self.threads.append(pthread_self())
                self.condition.unlock()
                self.run()
            }
            thread.name = "\(name) \(index + 1)"
            thread.start()
        }
    }

    /// Whether the caller runs on one of the lane's threads. (Foundation's `Thread.current.name` is
    /// not reliable inside a job run by an executor on Linux; the pthread is.)
    public var isCurrentThread: Bool {
        let me = pthread_self()
        condition.lock()
        defer { condition.unlock() }
        return threads.contains { pthread_equal($0, me) != 0 }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Runs each test case of the test or suite it is applied to on ``CPUHeavyLane/shared``.
public struct CPUHeavyTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> CPUHeavyTrait? {
        // Each test case of a test function, not the suite as a whole (its tests get the trait too).
        test.isSuite || testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(CPUHeavyLane.shared) { try await function() }
    }
}

extension Trait where Self == CPUHeavyTrait {
    /// The test computes for seconds: run it on ``CPUHeavyLane/shared``, off the cooperative pool.
    public static var cpuHeavy: Self { Self() }
}
