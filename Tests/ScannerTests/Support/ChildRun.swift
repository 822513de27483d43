import Glibc

/// Re-running this test binary in a child process (for umockdev's preload), Glibc only.
enum ChildRun {
    static let preload: String? = ["/usr/lib/x86_64-linux-gnu/libumockdev-preload.so.0", "/usr/lib/aarch64-linux-gnu/libumockdev-preload.so.0",
                                   "/usr/lib/libumockdev-preload.so.0", "/usr/local/lib/libumockdev-preload.so.0"]
        .first { access($0, R_OK) == 0 }

    /// The package root, from this file's path (Tests/ScannerTests/Support/ChildRun.swift).
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }()

    /// Runs this binary filtered to `filter` with `environment` added; returns (status, output).
    static func runSelf(filter: String, environment extra: [String], timeout: Duration) async throws -> (Int32, String) {
        var executable = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &executable, executable.count - 1)
        let path = String(decoding: executable.prefix(max(0, length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var environment = extra
        for name in ["PATH", "HOME", "TMPDIR", "LANG", "LD_LIBRARY_PATH"] {
            if let value = getenv(name) { environment.append("\(name)=\(String(cString: value))") }
        }
        let outputPath = "/tmp/scannertests-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(outputPath) }
        let arguments = [path, "--testing-library", "swift-testing", "--filter", filter]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid = pid_t()
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else { return (-1, "posix_spawn failed") }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return (-1, (readFile(outputPath) ?? "") + "\n[timed out]")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let signal = status & 0x7F
        return (signal == 0 ? (status >> 8) & 0xFF : 128 + signal, readFile(outputPath) ?? "")
    }

    static func readFile(_ path: String) -> String? {
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

    static func writeFile(_ path: String, _ text: String) {
        guard let file = fopen(path, "w") else { return }
        defer { fclose(file) }
        _ = fputs(text, file)
    }
}
