import Foundation

/// Limits failed sign-in attempts per account name and per peer address: after `limit` failures
/// within `window`, further attempts under that key are refused until the oldest failure ages out.
/// A success clears the account's count. Time comes from the caller (an injected clock).
actor SignInThrottle {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    static func accountKey(_ userName: String) -> String { "account:" + userName.lowercased() }
    static func addressKey(_ address: String) -> String { "address:" + address }

    /// Whether any of `keys` has used up its attempts at `now`.
    func isBlocked(_ keys: [String], at now: Date) -> Bool {
        keys.contains { key in recent(key, at: now).count >= limit }
    }

    /// Seconds until every blocked key among `keys` has room again (for `Retry-After`), nil when none is blocked.
    func retryAfter(_ keys: [String], at now: Date) -> Int? {
        let waits = keys.compactMap { key -> TimeInterval? in
            let recent = recent(key, at: now)
            guard recent.count >= limit else { return nil }
            // The failures beyond the limit must age out: the (count - limit + 1)-th oldest decides.
            let deciding = recent.sorted()[recent.count - limit]
            return window - now.timeIntervalSince(deciding)
        }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    func recordFailure(_ keys: [String], at now: Date) {
        for key in keys { failures[key] = recent(key, at: now) + [now] }
    }

    func clear(_ key: String) { failures[key] = nil }

    private func recent(_ key: String, at now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
    }
}
