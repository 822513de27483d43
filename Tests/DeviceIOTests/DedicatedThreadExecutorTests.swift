import Glibc
import Testing
@testable import DeviceIO

/// An actor on its own `DedicatedThreadExecutor`, as SerialPort is.
private actor ThreadProbe {
    let lease: ExecutorLease
    nonisolated var unownedExecutor: UnownedSerialExecutor { lease.executor.asUnownedSerialExecutor() }
    init(_ executor: DedicatedThreadExecutor) { lease = ExecutorLease(executor) }
    func thread() -> UInt { UInt(pthread_self()) }
    func checkIsolation() { assertIsolated("the executor must recognise its own thread") }
}

@Suite("DedicatedThreadExecutor")
struct DedicatedThreadExecutorTests {
    @Test("all jobs of an actor run on one thread of its own, not the caller's")
    func oneThread() async throws {
        let probe = ThreadProbe(try #require(DedicatedThreadExecutor.start()))
        let first = await probe.thread()
        let second = await probe.thread()
        #expect(first == second)
        #expect(first != UInt(pthread_self()))
        await probe.checkIsolation()
        let other = ThreadProbe(try #require(DedicatedThreadExecutor.start()))
        #expect(await other.thread() != first)
    }

    @Test("the thread ends and releases the executor when its actor goes away")
    func threadEnds() async throws {
        weak var released: DedicatedThreadExecutor?
        do {
            let executor = try #require(DedicatedThreadExecutor.start())
            released = executor
            let probe = ThreadProbe(executor)
            _ = await probe.thread()
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(2))
        while released != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(released == nil, "the executor thread is still alive")
    }
}
