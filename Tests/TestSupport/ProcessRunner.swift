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

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Killed by a signal (the signal number) rather than exited.
        public var signal: Int32?
    }

    /// Runs to completion (or until `killAfter`, when the process gets SIGKILL).
    public func run(_ arguments: [String], in directory: URL, killAfter: Duration? = nil,
                    environment: [String: String] = [:]) throws -> Result {
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
        if let killAfter {
            let deadline = ContinuousClock.now + killAfter
            while p.isRunning && ContinuousClock.now < deadline { usleep(5_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
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
