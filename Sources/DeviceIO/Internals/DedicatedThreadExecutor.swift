// A serial executor that runs its jobs on one dedicated pthread.
//
// Why: SerialPort and PseudoTerminalPair block in poll(2), tcdrain(3) and open(2). On the default
// executor that would pin one of the cooperative pool's threads, and this machine has only two.
// Options checked with Swift 6.3.1 on Linux (2 cores), 4 actors each blocking 300 ms while a task
// on the pool sleeps 10 × 10 ms:
//   * default actors:              0.60 s for the four, and the pool task took 0.69 s (starved);
//   * this executor, one thread each: 0.30 s for the four, and the pool task took 0.10 s;
//   * `DispatchSerialQueue` as a SerialExecutor: does not exist in Linux's Dispatch
//     ("cannot find 'DispatchSerialQueue' in scope"), so it is not an option;
//   * short non-blocking poll slices with `Task.sleep` between: no thread, but every read pays up
//     to one slice of latency and wakes the CPU while idle.
// An actor hop to this executor costs about 90 µs round trip (1000 hops: 0.089 s), negligible at
// serial speeds. One thread per open device is cheap for a lab bench with a handful of devices.
//
// Public for the layers above that block too: LabWorkflow's readout store writer runs the store's
// synchronous, fsynced (or PostgreSQL-committed) writes on one of these (ReadoutStoreWriter).
//
// Lifetime: the thread holds the executor strongly; the owning actor holds an `ExecutorLease`
// whose deinit asks the thread to finish its queued jobs and exit.

import Glibc

public final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `stopping` are only touched with `mutex` held, and `thread`
    // is written once before any job can be enqueued.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread = pthread_t()

    /// Starts the thread. Fails only if pthread_create(3) does (out of threads/memory).
    public static func start() -> DedicatedThreadExecutor? {
        let executor = DedicatedThreadExecutor()
        let retained = Unmanaged.passRetained(executor).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<DedicatedThreadExecutor>.fromOpaque(context).takeRetainedValue().runLoop()
            return nil
        }, retained)
        guard rc == 0 else {
            Unmanaged<DedicatedThreadExecutor>.fromOpaque(retained).release()
            return nil
        }
        executor.lock()
        executor.thread = thread
        executor.unlock()
        pthread_detach(thread)
        return executor
    }

    private init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    private func lock() { pthread_mutex_lock(mutex) }
    private func unlock() { pthread_mutex_unlock(mutex) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock()
        jobs.append(job)
        pthread_cond_signal(condition)
        unlock()
    }

    public func checkIsolated() {
        lock()
        let owner = thread
        unlock()
        precondition(pthread_equal(pthread_self(), owner) != 0, "not on this device's executor thread")
    }

    /// Asks the thread to run what is queued and exit.
    public func stop() {
        lock()
        stopping = true
        pthread_cond_signal(condition)
        unlock()
    }

    private func runLoop() {
        let me = asUnownedSerialExecutor()
        while true {
            lock()
            while jobs.isEmpty && !stopping { pthread_cond_wait(condition, mutex) }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            let exit = stopping && batch.isEmpty
            unlock()
            if exit { return }
            for job in batch { job.runSynchronously(on: me) }
        }
    }
}

/// Held by an actor for as long as it uses a `DedicatedThreadExecutor`; stops the thread when
/// the actor goes away.
public final class ExecutorLease: Sendable {
    public let executor: DedicatedThreadExecutor
    public init(_ executor: DedicatedThreadExecutor) { self.executor = executor }
    deinit { executor.stop() }
}
