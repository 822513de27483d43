import Glibc

/// CPU time the calling thread has used so far (`CLOCK_THREAD_CPUTIME_ID`, clock_gettime(2)).
///
/// For a test that bounds the work of a synchronous, CPU-bound computation (no `await` inside, so it
/// stays on one thread): unlike the wall clock, it does not count the time the thread waited for a
/// core, so the bound holds on a loaded machine and with the suite running in parallel.
/// ```swift
/// let start = threadCPUTime()
/// _ = heavyWork()
/// #expect(threadCPUTime() - start < .seconds(30))
/// ```
public func threadCPUTime() -> Duration {
    var ts = timespec()
    let rc = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    precondition(rc == 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno \(errno)")
    return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
}
