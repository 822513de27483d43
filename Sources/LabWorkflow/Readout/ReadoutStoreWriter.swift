import DeviceIO
import LabStore

/// The readout's store calls on a thread of their own, off Swift's cooperative pool.
///
/// The store is synchronous (``ReadoutStore``): a curve's write returns only after SQLite's fsync
/// (WAL, synchronous=FULL) or PostgreSQL's commit, tens of milliseconds on a slow disk or network.
/// Run on the pool, that call pins one of its threads (two on the lab's PC) while the reader's
/// driver tasks wait to run. This actor runs on a `DedicatedThreadExecutor`, as DeviceIO's
/// `SerialPort` does for its blocking syscalls: a caller awaits the write, its pool thread is free
/// meanwhile, and the call returns only after the store has returned, so the durability order is
/// unchanged (a curve is committed before the driver releases the element).
///
/// One writer per ``StoreReadoutSink`` (one readout): its thread ends when the sink goes away.
actor ReadoutStoreWriter {
    private let store: any ReadoutStore
    private let lease: ExecutorLease

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        lease.executor.asUnownedSerialExecutor()
    }

    /// Starts the writer's thread; nil only if the system cannot create one (pthread_create fails).
    init?(store: any ReadoutStore) {
        guard let executor = DedicatedThreadExecutor.start() else { return nil }
        self.store = store
        self.lease = ExecutorLease(executor)
    }

    /// Runs `body` with the store on the writer's thread and returns what it returned, once it has.
    func run<T: Sendable>(_ body: @Sendable (any ReadoutStore) throws -> T) throws -> T {
        try body(store)
    }
}
