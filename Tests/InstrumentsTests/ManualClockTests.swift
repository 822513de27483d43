import TestSupport
import Testing

/// The test clock itself: time moves only on `advance`, and a cancelled sleep or watch ends at once, so
/// that a test whose code never reaches the expected sleep is stopped by its `.timeLimit` instead of
/// hanging the whole run.
@Suite("ManualClock: advancing, cancelling", .timeLimit(.minutes(10)))
struct ManualClockTests {
    @Test func advanceWakesDueSleepersInDeadlineOrderAndNoOthers() async throws {
        let clock = ManualClock()
        let woke = Recorder()
        let late = Task { try await clock.sleep(for: .seconds(3)); await woke.add(3) }
        let early = Task { try await clock.sleep(for: .seconds(1)); await woke.add(1) }
        try await clock.waitForSleeper(after: .seconds(3))
        try await clock.waitForSleeper(after: .seconds(1))
        clock.advance(by: .milliseconds(999))
        #expect(clock.sleepingUntil.count == 2)
        clock.advance(by: .milliseconds(1))
        try await early.value
        #expect(await woke.values == [1])
        #expect(clock.sleepingUntil == [.init(offset: .seconds(3))])
        clock.advance(by: .seconds(5))
        try await late.value
        #expect(await woke.values == [1, 3])
        #expect(clock.now == .init(offset: .seconds(6)))
    }

    @Test func cancellingASleepingTaskEndsItsSleepAtOnceWithCancellationError() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        try await clock.waitForSleeper(after: .seconds(3600))
        sleeper.cancel()
        // Time does not move: only the cancellation can end this sleep.
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleepingUntil.isEmpty)
        #expect(clock.now == .init(offset: .zero))
        // The cancelled sleeper is gone: advancing past its deadline resumes nothing twice.
        clock.advance(by: .seconds(7200))
        #expect(clock.sleepingUntil.isEmpty)
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let sleeper = Task {
            await gate.wait()
            try await clock.sleep(for: .seconds(1))
        }
        sleeper.cancel()
        await gate.open()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleepingUntil.isEmpty)
    }

    @Test func cancellingOneSleeperLeavesTheOthers() async throws {
        let clock = ManualClock()
        let cancelled = Task { try await clock.sleep(for: .seconds(2)) }
        let kept = Task { try await clock.sleep(for: .seconds(2)) }
        try await clock.waitForSleeper(after: .seconds(2))
        while clock.sleepingUntil.count < 2 { await Task.yield() }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(clock.sleepingUntil == [.init(offset: .seconds(2))])
        clock.advance(by: .seconds(2))
        try await kept.value
    }

    @Test func cancellingAWaitForASleeperThatNeverComesEndsTheWait() async throws {
        let clock = ManualClock()
        let watch = Task { try await clock.waitForSleeper(after: .seconds(1)) }
        while clock.watcherCount == 0 { await Task.yield() }
        watch.cancel()
        await #expect(throws: CancellationError.self) { try await watch.value }
        #expect(clock.watcherCount == 0)
    }

    @Test func aSleepThatComesEndsTheWait() async throws {
        let clock = ManualClock()
        let watch = Task { try await clock.waitForSleeper(after: .seconds(1)) }
        while clock.watcherCount == 0 { await Task.yield() }
        let sleeper = Task { try await clock.sleep(for: .seconds(1)) }
        try await watch.value
        #expect(clock.watcherCount == 0)
        clock.advance(by: .seconds(1))
        try await sleeper.value
    }
}

private actor Recorder {
    private(set) var values: [Int] = []
    func add(_ v: Int) { values.append(v) }
}

/// Holds a task until the test opens it.
private actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        for w in waiting { w.resume() }
        waiting = []
    }
}
