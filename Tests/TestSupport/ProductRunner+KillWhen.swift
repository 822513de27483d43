import Foundation

extension ProductRunner {
    /// Runs the product and sends SIGKILL `delay` after `ready` first returns true (polled while the
    /// process runs), so a kill lands in a chosen phase of the command rather than at a random time.
    /// Returns like ``run(_:in:killAfter:environment:)``; `killedInPhase` says whether `ready` was seen.
    public func run(
        _ arguments: [String], in directory: URL, killWhen ready: @Sendable () async throws -> Bool, delay: Duration
    ) async throws -> (result: Result, killedInPhase: Bool) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TLD_DATABASE")
        p.environment = env
        let out = directory.appendingPathComponent("stdout-\(UUID().uuidString).txt")
        let err = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        try p.run()
        var killAt: ContinuousClock.Instant?
        while p.isRunning {
            if killAt == nil, try await ready() { killAt = ContinuousClock.now + delay }
            if let killAt, ContinuousClock.now >= killAt { kill(p.processIdentifier, SIGKILL) }
            try await Task.sleep(for: .milliseconds(2))
        }
        p.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        let signalled = p.terminationReason == .uncaughtSignal
        return (Result(
            status: p.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
            signal: signalled ? p.terminationStatus : nil), killAt != nil)
    }
}
