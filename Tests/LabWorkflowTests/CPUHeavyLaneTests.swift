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

    @Test(.cpuHeavy) func anAsynchronousTestStaysOnTheLaneAcrossSuspensions() async {
        #expect(CPUHeavyLane.shared.isCurrentThread)
        // Resumed from another thread, then re-enqueued: both come back to the lane.
        await withCheckedContinuation { (resumed: CheckedContinuation<Void, Never>) in Thread { resumed.resume() }.start() }
        await Task.yield()
        #expect(CPUHeavyLane.shared.isCurrentThread)
    }

    @Test func anUnmarkedTestRunsOnThePool() {
        #expect(!CPUHeavyLane.shared.isCurrentThread)
    }

    /// While a marked test computes, a task on the pool still gets its turns: with two of them
    /// computing for 300 ms each on the lane, the pool's task (ten yields) ends long before.
    @Test func poolStaysFreeWhileTheLaneComputes() async {
        let lane = CPUHeavyLane(name: "probe lane", threads: 1)
        let start = ContinuousClock.now
        async let busy: Void = withTaskExecutorPreference(lane) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<2 { group.addTask { Self.spin(for: .milliseconds(300)) } }
            }
        }
        for _ in 0..<10 { await Task.yield() }
        let poolDone = ContinuousClock.now - start
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

