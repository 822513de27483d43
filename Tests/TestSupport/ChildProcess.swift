import Glibc

/// Running helper programs from tests (Glibc only): posix_spawn with stdout and stderr sent to a
/// file, and waitpid(WNOHANG) with Task.sleep between, so no pool thread blocks.
public enum ChildProcess {
    /// A system call of the test plumbing failed.
    public struct Failure: Error, CustomStringConvertible {
        public let call: String
        public let path: String
        public let code: Int32
        public var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(code)))" }
    }

    public struct Outcome: Sendable {
        /// Exit status, or 128 + signal.
        public var status: Int32
        /// stdout and stderr, interleaved.
        public var output: String
    }

    /// The first of `candidates` that is executable.
    public static func find(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"].map { $0 + name }.first { access($0, X_OK) == 0 }
    }

    public static func run(_ arguments: [String], environment: [String]? = nil, timeout: Duration = .seconds(60)) async throws -> Outcome {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let outputPath = "\(directory)/output"
        func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] { strings.map { strdup($0) } + [nil] }
        let env = environment ?? inheritedEnvironment()
        let argv = cStrings(arguments)
        let envp = cStrings(env)
        defer { for p in argv + envp { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The child starts with no blocked signal and default dispositions, as from a shell: the
        // spawning thread may be one of the pool's, which block signals (an abort() still works, but
        // a `kill -ABRT` or a SIGTERM from elsewhere would be held).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw Failure(call: "posix_spawn", path: arguments[0], code: rc) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return Outcome(status: -1, output: (readFile(outputPath) ?? "") + "\n[timed out]")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let signal = status & 0x7F
        return Outcome(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal, output: readFile(outputPath) ?? "")
    }

    /// This test binary's own path (to re-run a suite of it in a child under umockdev).
    public static func selfExecutable() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func inheritedEnvironment() -> [String] {
        var result: [String] = []
        for name in ["PATH", "HOME", "TMPDIR", "LANG", "LD_LIBRARY_PATH"] {
            if let value = getenv(name) { result.append("\(name)=\(String(cString: value))") }
        }
        return result
    }

    public static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/deviceio-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress, let made = mkdtemp(base) else { return nil }
            return String(cString: made)
        }
        guard let made else { throw Failure(call: "mkdtemp", path: "/tmp", code: errno) }
        return made
    }

    /// rm -r of a directory made by the tests (no symlinks followed).
    public static func removeTree(_ path: String) {
        guard let dir = opendir(path) else { unlink(path); return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let child = "\(path)/\(name)"
            var info = stat()
            if lstat(child, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
        }
        closedir(dir)
        rmdir(path)
    }

    public static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func writeFile(_ path: String, _ text: String) throws {
        guard let file = fopen(path, "w") else { throw Failure(call: "fopen", path: path, code: errno) }
        defer { fclose(file) }
        _ = fputs(text, file)
    }

    /// The names in a directory (not recursive), or [] if it cannot be read.
    public static func listing(_ path: String) -> Set<String> {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: Set<String> = []
        while let entry = readdir(dir) {
            names.insert(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        }
        return names
    }

    /// The package root, from this file's path (Tests/TestSupport/ChildProcess.swift).
    public static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// umockdev's preload library, if installed (Debian `umockdev`).
    public static let umockdevPreload: String? = [
        "/usr/lib/x86_64-linux-gnu/libumockdev-preload.so.0", "/usr/lib/aarch64-linux-gnu/libumockdev-preload.so.0",
        "/usr/lib/libumockdev-preload.so.0", "/usr/local/lib/libumockdev-preload.so.0",
    ].first { access($0, R_OK) == 0 }

    /// The two halves of a test that needs umockdev's preload from the process's start. In the re-run
    /// child (`reportVariable` set) it runs `child`, writes the lines `child` collected to the report
    /// file and returns nil; in the parent it re-runs `filter` under the preload, with `environment`
    /// added, and returns the child's outcome and report.
    public static func underUmockdevPreload(
        filter: String, reportVariable: String, environment extra: [String] = [], timeout: Duration = .seconds(60),
        child: (inout [String]) async throws -> Void
    ) async throws -> (outcome: Outcome, report: String)? {
        if let reportPath = getenv(reportVariable).map({ String(cString: $0) }) {
            var lines: [String] = []
            defer { try? writeFile(reportPath, lines.joined(separator: "\n") + "\n") }
            try await child(&lines)
            return nil
        }
        guard let preload = umockdevPreload else { throw Failure(call: "access", path: "libumockdev-preload.so.0", code: ENOENT) }
        let reportPath = "/tmp/\(reportVariable.lowercased())-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt"  // unique: tests run in parallel
        defer { unlink(reportPath) }
        let outcome = try await runSelf(filter: filter, environment: ["LD_PRELOAD=\(preload)", "\(reportVariable)=\(reportPath)"] + extra,
                                        timeout: timeout)
        return (outcome, readFile(reportPath) ?? "")
    }

    /// Runs this test binary again, filtered to `filter` (Swift Testing), with `environment` added to
    /// the inherited one: for suites that need umockdev's LD_PRELOAD from the process's start (so it
    /// is run again if umockdev itself aborts, see ``runUnderUmockdev(_:environment:timeout:)``).
    public static func runSelf(filter: String, environment extra: [String], timeout: Duration) async throws -> Outcome {
        guard let path = selfExecutable() else { throw Failure(call: "readlink", path: "/proc/self/exe", code: errno) }
        return try await runUnderUmockdev([path, "--testing-library", "swift-testing", "--filter", filter],
                                          environment: inheritedEnvironment() + extra, timeout: timeout)
    }

    /// What umockdev 0.17 (Debian 12 has 0.17.16) prints before it aborts the whole process when a
    /// udev monitor of the code under test is closed between umockdev's `connect` and its `sendmsg`
    /// of a uevent: it calls `g_error` on ECONNREFUSED from `sendmsg`. Upstream treats that as a
    /// listener gone away since martinpitt/umockdev PR #254 ("Handle spurious 'connection refused'
    /// when sending a uevent", 2024). It is a race inside the test bed, not in the code under test,
    /// which may close its monitor whenever it likes.
    public static let umockdevUeventAbort = "uevent_sender sendmsg_one: sendmsg failed: Connection refused"

    /// ``run(_:environment:timeout:)`` for a child under umockdev: a child that died of SIGABRT right
    /// after ``umockdevUeventAbort`` is run again, up to `attempts` times in all; every other outcome
    /// (a failure of the code under test included) is returned as it is. The outputs of the aborted
    /// attempts are kept in front of the last one's, marked, so nothing is hidden.
    public static func runUnderUmockdev(
        _ arguments: [String], environment: [String]? = nil, timeout: Duration = .seconds(60), attempts: Int = 3
    ) async throws -> Outcome {
        var earlier = ""
        for attempt in 1...max(1, attempts) {
            let outcome = try await run(arguments, environment: environment, timeout: timeout)
            guard attempt < attempts, isUmockdevUeventAbort(outcome) else {
                return Outcome(status: outcome.status, output: earlier + outcome.output)
            }
            earlier += "[attempt \(attempt) aborted inside umockdev (\(umockdevUeventAbort)); run again]\n\(outcome.output)\n"
        }
        preconditionFailure("unreachable: the last attempt returns")
    }

    /// True for a child killed by SIGABRT (134) that printed ``umockdevUeventAbort``.
    public static func isUmockdevUeventAbort(_ outcome: Outcome) -> Bool {
        outcome.status == 128 + SIGABRT && outcome.output.contains(umockdevUeventAbort)
    }
}
