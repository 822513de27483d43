import Glibc

/// Installs the lab's udev rules: writes `70-tl-lab.rules` into the rules directory and asks
/// udevd to reload (`udevadm control --reload`).
///
///     let installer = UdevRulesInstaller(rulesDirectory: "/etc/udev/rules.d")
///     for step in installer.plan() { print(step) }          // a dry run
///     for done in try installer.install() { print(done) }
///
/// The file is written to a temporary name in the same directory, given mode 0644, and renamed
/// over the old one (rename(2)), so udevd never reads a half-written file. Devices already plugged
/// in keep their permissions until re-plugged or `udevadm trigger`ed.
public struct UdevRulesInstaller: Sendable {
    /// One thing the installation does.
    public enum Step: Sendable, Hashable, CustomStringConvertible {
        /// Write the rules to `path` (mode 0644), replacing `existing` content if there was a file.
        case write(path: String, bytes: Int, replacing: Bool, unchanged: Bool)
        /// Run this command.
        case run([String])

        public var description: String {
            switch self {
            case .write(let path, let bytes, let replacing, let unchanged):
                if unchanged { return "\(path) is already up to date (\(bytes) bytes)" }
                return "\(replacing ? "replace" : "write") \(path) (\(bytes) bytes, mode 0644)"
            case .run(let command):
                return "run: \(command.joined(separator: " "))"
            }
        }
    }

    /// Where udev reads local rules: `/etc/udev/rules.d` normally.
    public var rulesDirectory: String
    /// The rules text (the built-in `LabUdevRules.text` unless a test gives another).
    public var rules: String
    /// How to ask udevd to reload its rules.
    public var reloadCommand: [String]

    public init(
        rulesDirectory: String = "/etc/udev/rules.d", rules: String = LabUdevRules.text,
        reloadCommand: [String] = ["udevadm", "control", "--reload"]
    ) {
        self.rulesDirectory = rulesDirectory
        self.rules = rules
        self.reloadCommand = reloadCommand
    }

    /// The installed file's path.
    public var path: String { "\(rulesDirectory)/\(LabUdevRules.fileName)" }

    /// What `install()` would do, without doing it.
    public func plan() -> [Step] {
        let existing = Self.read(path)
        return [.write(path: path, bytes: rules.utf8.count, replacing: existing != nil, unchanged: existing == rules),
                .run(reloadCommand)]
    }

    /// Writes the rules and runs the reload command. Returns the steps done.
    ///
    /// - Throws: `UdevInstallError.noDirectory`, `.permissionDenied` (run as root), `.write`, or
    ///   `.reloadFailed` (the file was written, but udevd did not reload: e.g. not running).
    public func install() throws(UdevInstallError) -> [Step] {
        var info = stat()
        guard stat(rulesDirectory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .noDirectory(rulesDirectory)
        }
        let steps = plan()
        if case .write(_, _, _, let unchanged) = steps[0], !unchanged { try write() }
        let status = Self.spawnAndWait(reloadCommand)
        guard status == 0 else { throw .reloadFailed(command: reloadCommand, status: status) }
        return steps
    }

    private func write() throws(UdevInstallError) {
        let temporary = "\(rulesDirectory)/.\(LabUdevRules.fileName).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let code = errno
            throw code == EACCES || code == EPERM || code == EROFS ? .permissionDenied(rulesDirectory) : .write(path, errno: code)
        }
        let bytes = Array(rules.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw .write(path, errno: code)
            }
            offset += written
        }
        fchmod(fd, 0o644)
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .write(path, errno: code)
        }
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count == 0 { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// posix_spawnp + waitpid: the exit status, 128 + signal, or 127 if it could not start.
    /// Blocks the calling thread (udevadm control returns within milliseconds).
    static func spawnAndWait(_ command: [String]) -> Int32 {
        guard !command.isEmpty else { return 127 }
        let argv = command.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, command[0], nil, nil, argv, environ) == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

/// Why installing the udev rules failed.
public enum UdevInstallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rules directory does not exist (is udev installed?).
    case noDirectory(String)
    /// Writing there was refused: run as root (sudo).
    case permissionDenied(String)
    /// Writing the file failed.
    case write(String, errno: CInt)
    /// The rules were written but the reload command failed (udevd not running?).
    case reloadFailed(command: [String], status: Int32)

    public var description: String {
        switch self {
        case .noDirectory(let path): "\(path) does not exist or is not a directory: is udev installed?"
        case .permissionDenied(let path): "cannot write to \(path): run as root (sudo tld udev install)"
        case .write(let path, let code): "writing \(path) failed: \(String(cString: strerror(code)))"
        case .reloadFailed(let command, let status):
            "the rules were installed, but '\(command.joined(separator: " "))' exited with \(status): is udevd running? "
                + "The rules apply after a reboot, or run it again once udevd runs."
        }
    }
}
