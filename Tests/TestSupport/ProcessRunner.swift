import Foundation

/// Runs a built executable of this package (e.g. `tld`) as a child process, as a user would.
public struct ProductRunner: Sendable {
    public let executable: URL

    /// Finds `name` beside the test bundle (SwiftPM puts products and the test bundle in one folder),
    /// else in `.build/debug`.
    public init(product name: String) throws {
        let fm = FileManager.default
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            bundleDir.appendingPathComponent(name),
            bundleDir.deletingLastPathComponent().appendingPathComponent(name),
            RepoPaths.root.appendingPathComponent(".build/debug/\(name)"),
        ]
        guard let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) else {
            throw MissingFixture(path: candidates.map(\.path).joined(separator: ", "), underlying: "product \(name) not built")
        }
        executable = found
    }

    /// Any executable, e.g. a system tool.
    public init(executable: URL) { self.executable = executable }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Killed by a signal (the signal number) rather than exited.
        public var signal: Int32?
    }

    /// Runs to completion (or until `killAfter`, when the process gets SIGKILL). Waits with
    /// `Task.sleep`, never by blocking a thread: Swift's cooperative pool has only as many threads as
    /// cores (2 here), and a blocked one stalls the timing-sensitive tests running beside this one.
    public func run(_ arguments: [String], in directory: URL, killAfter: Duration? = nil,
                    environment: [String: String] = [:]) async throws -> Result {
        var deadline: ContinuousClock.Instant?
        return try await run(arguments, in: directory, environment: environment, poll: .milliseconds(10)) {
            // The clock starts when the process does.
            let now = ContinuousClock.now
            if deadline == nil, let killAfter { deadline = now + killAfter }
            return deadline.map { now >= $0 } ?? false
        }
    }

    /// Starts the process, asks `shouldKill` every `poll` while it runs and sends SIGKILL once it says
    /// so, then collects the exit status and output. The one place a child process is started and
    /// watched (``run(_:in:killAfter:environment:)``, ``run(_:in:killWhen:delay:)``).
    func run(_ arguments: [String], in directory: URL, environment: [String: String], poll: Duration,
             shouldKill: () async throws -> Bool) async throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TLD_DATABASE")
        for (k, v) in environment { env[k] = v }
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
        var killed = false
        while p.isRunning {
            if !killed, try await shouldKill() {
                kill(p.processIdentifier, SIGKILL)
                killed = true
            }
            try await Task.sleep(for: poll)
        }
        p.waitUntilExit()  // already exited: returns at once and reaps
        try outHandle.close()
        try errHandle.close()
        let signalled = p.terminationReason == .uncaughtSignal
        return Result(
            status: p.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
            signal: signalled ? p.terminationStatus : nil)
    }
}
