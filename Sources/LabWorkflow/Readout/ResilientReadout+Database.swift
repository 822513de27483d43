import Foundation
import Instruments
import LabStore

extension ResilientReadout {
    /// Runs a store call of the readout; when the database is unavailable (``DatabaseOutage``), waits
    /// for it (``waitForDatabase(_:notify:attempt:)``, trying the same call again) instead of stopping.
    func retryingStore<T: Sendable>(
        notify: @escaping @Sendable (Notice) -> Void, _ call: @escaping @Sendable () throws -> T
    ) async throws -> T {
        do {
            return try await Self.offThePool(call)
        } catch {
            guard policy.databaseRetryTimeout > .zero, let outage = DatabaseOutage(error) else { throw error }
            return try await waitForDatabase(outage, notify: notify, attempt: call)
        }
    }

    /// Waits for the database to answer `attempt` again after `outage`: tries it after
    /// ``Policy/databaseRetryInterval``, doubling the pause up to ``Policy/databaseRetryMaxInterval``,
    /// until ``Policy/databaseRetryTimeout`` has passed on the injected clock. Says so once when the
    /// outage begins and once when the database is back.
    ///
    /// Nothing is released meanwhile: the driver stopped without releasing the element in hand, and
    /// the reader keeps its curve until the resumed job has stored it.
    /// - Throws: ``ResilientReadoutError/databaseDidNotReturn(waited:lastProblem:held:)`` when the time
    ///   runs out; an error of `attempt` that is not an outage, as it is.
    func waitForDatabase<T: Sendable>(
        _ outage: DatabaseOutage, notify: @Sendable (Notice) -> Void, attempt: @escaping @Sendable () throws -> T
    ) async throws -> T {
        logger.notice("database unavailable; retrying", metadata: [
            "reason": "\(outage.reason)", "held": "\(outage.held.map { "\($0)" } ?? "-")",
        ])
        notify(.databaseUnavailable(outage, retryingUpTo: policy.databaseRetryTimeout))
        let start = clock.now
        let deadline = start.advanced(by: policy.databaseRetryTimeout)
        var pause = policy.databaseRetryInterval
        var last = outage.reason
        while true {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else {
                throw ResilientReadoutError.databaseDidNotReturn(waited: policy.databaseRetryTimeout, lastProblem: last, held: outage.held)
            }
            try await clock.sleep(for: min(pause, left))
            pause = min(pause * 2, max(policy.databaseRetryMaxInterval, policy.databaseRetryInterval))
            do {
                let value = try await Self.offThePool(attempt)
                let waited = start.duration(to: clock.now)
                logger.notice("database is back", metadata: ["after": "\(waited)"])
                notify(.databaseBack(after: waited))
                return value
            } catch {
                guard let again = DatabaseOutage(error) else { throw error }
                last = again.reason
            }
        }
    }

    /// Runs a blocking store call on a thread of its own, not on Swift's cooperative pool (a
    /// PostgreSQL reconnect may block until its connect timeout).
    static func offThePool<T: Sendable>(_ call: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            storeCalls.async {
                continuation.resume(with: Result { try call() })
            }
        }
    }

    private static let storeCalls = DispatchQueue(label: "tld.readout.store-retry")
}
