import Foundation
import TestSupport
import Testing

/// `.cpuHeavy` (TestSupport) moves a test off Swift's cooperative pool: the glow-fit and year suites
/// that use it rely on that to leave the pool to the timing tests running beside them.
@Suite("Tests marked cpuHeavy run on a lane of their own")
struct CPUHeavyLaneTests {
    @Test(.cpuHeavy) func aSynchronousTestRunsOnTheLane() {
        #expect(CPUHeavyLane.shared.isCurrentThread)
    }

    @Test(.cpuHeavy) func anAsynchronousTestStaysOnTheLaneAcrossSuspensions() async throws {
        #expect(CPUHeavyLane.shared.isCurrentThread)
        try await Task.sleep(for: .milliseconds(1))
        await Task.yield()
        #expect(CPUHeavyLane.shared.isCurrentThread)
    }

    @Test func anUnmarkedTestRunsOnThePool() {
        #expect(!CPUHeavyLane.shared.isCurrentThread)
    }

    /// While a marked test computes, a task on the pool still gets its turns: with two of them
    /// computing for 300 ms each on the lane, the pool's task (ten 1 ms sleeps) ends long before.
    @Test func poolStaysFreeWhileTheLaneComputes() async throws {
        let lane = CPUHeavyLane(name: "probe lane", threads: 1)
        let start = ContinuousClock.now
        async let busy: Void = withTaskExecutorPreference(lane) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2 { group.addTask { Self.spin(for: .milliseconds(300)) } }
            }
        }
        var poolDone: Duration = .zero
        for _ in 0..<10 { try await Task.sleep(for: .milliseconds(1)) }
        poolDone = ContinuousClock.now - start
        await busy
        let laneDone = ContinuousClock.now - start
        // The lane ran its two 300 ms jobs one after the other, on its one thread.
        #expect(laneDone >= .milliseconds(600))
        #expect(poolDone < laneDone)
    }

    static func spin(for duration: Duration) {
        let end = ContinuousClock.now + duration
        var x = 0.0
        while ContinuousClock.now < end { x += 1 }
        precondition(x > 0)
    }
}

