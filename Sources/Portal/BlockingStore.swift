import Dispatch
import LabStore

/// Runs the synchronous SQLite store off Swift's cooperative pool and off the NIO event loops: each
/// call is a work item on a concurrent Dispatch queue (GRDB serialises the writes itself; reads
/// run in parallel in WAL mode), and the calling task is suspended, not blocked, until it returns.
struct BlockingStore: Sendable {
    let store: any LabRecordStore & MasterDataStore & PortalStore
    private let queue = DispatchQueue(label: "tld.portal.store", qos: .userInitiated, attributes: .concurrent)

    init(store: any LabRecordStore & MasterDataStore & PortalStore) {
        self.store = store
    }

    func run<T: Sendable>(_ work: @escaping @Sendable (any LabRecordStore & MasterDataStore & PortalStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [store] in
                continuation.resume(with: Result { try work(store) })
            }
        }
    }
}
