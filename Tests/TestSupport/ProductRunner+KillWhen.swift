import Foundation

extension ProductRunner {
    /// Runs the product and sends SIGKILL `delay` after `ready` first returns true (polled while the
    /// process runs), so a kill lands in a chosen phase of the command rather than at a random time.
    /// Returns like ``run(_:in:killAfter:environment:)``; `killedInPhase` says whether `ready` was seen.
    public func run(
        _ arguments: [String], in directory: URL, killWhen ready: @Sendable () async throws -> Bool, delay: Duration
    ) async throws -> (result: Result, killedInPhase: Bool) {
        var killAt: ContinuousClock.Instant?
        let result = try await run(arguments, in: directory, environment: [:], poll: .milliseconds(2)) {
            if killAt == nil, try await ready() { killAt = ContinuousClock.now + delay }
            return killAt.map { ContinuousClock.now >= $0 } ?? false
        }
        return (result, killAt != nil)
    }
}
