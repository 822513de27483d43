import Foundation

/// Limits how often one client may post a form that needs no account (the "create agreement" form:
/// each post may write a draft to the lab database, and a SEND puts it in the lab's queue and an
/// e-mail in the outbox). At most `limit` posts per client within `window` (a sliding window: each
/// post is forgotten `window` after it was made); a post beyond that is refused, and told when the
/// oldest of its posts ages out. Time comes from the caller (the portal's injected clock).
///
/// The client is the peer's IP address as the server sees it: behind a reverse proxy every client
/// shares the proxy's address (run `tld serve` facing the clients, or raise the limit).
actor FormRateLimit {
    let limit: Int
    let window: TimeInterval
    private var posts: [String: [Date]] = [:]
    /// Clients are forgotten once all their posts aged out; swept when this many are kept.
    private let sweepAt = 10_000

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the next post is allowed after this many seconds (at least 1).
        case refused(retryAfter: Int)
    }

    /// Counts a post by `client` at `now`, or refuses it (a refused post is not counted, so a client
    /// that waits gets in when its window has room).
    func admit(_ client: String, at now: Date) -> Decision {
        if posts.count >= sweepAt { posts = posts.filter { _, dates in dates.contains { now.timeIntervalSince($0) < window } } }
        let recent = (posts[client] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count < limit, limit > 0 else {
            posts[client] = recent
            let oldest = recent.min() ?? now
            return .refused(retryAfter: max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up))))
        }
        posts[client] = recent + [now]
        return .allowed
    }
}
