import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer at a time for a file the lab's commands change over a long run: the database during a
/// readout, the simulated reader's state file. An advisory lock (`flock(2)`, `LOCK_EX | LOCK_NB`) on a
/// lock file beside it (`tld.sqlite.lock`, `tld-sim-state.json.lock`); the holder writes its process
/// ID, command and start time into the lock file, so a second program is told who has it.
///
/// `LOCK_NB` makes `flock` return at once (`EWOULDBLOCK`) instead of waiting, so taking the lock never
/// blocks a thread of Swift's cooperative pool. The kernel drops the lock when the holder's descriptor
/// is closed — also when the process is killed — so a lock is never left stale; the lock file itself
/// stays (removing it would race with a program that has just opened it).
///
/// ```swift
/// let lock = try WriterLock.acquire(for: "tld.sqlite", holder: "tld readout")
/// defer { lock.release() }
/// ```
// @unchecked Sendable: the only mutable state, `released`, is guarded by `guardLock`.
public final class WriterLock: @unchecked Sendable {
    /// The lock file (the guarded file's path + `.lock`).
    public let lockPath: String
    // The open descriptor holding the flock; immutable, closed once by `release` or `deinit`.
    private let descriptor: Int32
    private let guardLock = NSLock()
    private var released = false

    private init(lockPath: String, descriptor: Int32) {
        self.lockPath = lockPath
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock file of `path`.
    public static func lockPath(for path: String) -> String { path + ".lock" }

    /// Takes the lock of `path` or fails at once.
    /// - Parameters:
    ///   - holder: what holds it, for the other program's message (e.g. `tld readout`).
    /// - Throws: ``WriterLockError/inUse(path:holder:)`` when another process holds it,
    ///   ``WriterLockError/cannotLock(path:reason:)`` when the lock file cannot be made.
    public static func acquire(for path: String, holder: String, now: Date = Date()) throws(WriterLockError) -> WriterLock {
        let lockPath = lockPath(for: path)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, mode_t(0o644))
        guard fd >= 0 else { throw .cannotLock(path: lockPath, reason: String(cString: strerror(errno))) }
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            let who = code == EWOULDBLOCK ? readHolder(fd) : nil
            close(fd)
            if code == EWOULDBLOCK { throw .inUse(path: path, holder: who) }
            throw .cannotLock(path: lockPath, reason: String(cString: strerror(code)))
        }
        let stamp = ISO8601DateFormatter().string(from: now)
        let text = Array("pid \(getpid())\ncommand \(holder)\nstarted \(stamp)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return WriterLock(lockPath: lockPath, descriptor: fd)
    }

    /// Gives the lock up (also done when the lock is deinitialised or the process ends).
    public func release() {
        guardLock.lock()
        defer { guardLock.unlock() }
        guard !released else { return }
        released = true
        close(descriptor)
    }

    /// Who holds the lock, from the lock file's text.
    static func readHolder(_ fd: Int32) -> WriterLockError.Holder? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: buffer[..<n], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let pid = fields["pid"].flatMap({ Int32($0) }) else { return nil }
        return .init(pid: pid, command: fields["command"] ?? "?", started: fields["started"] ?? "?")
    }
}

/// Why a ``WriterLock`` was not taken.
public enum WriterLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Who holds a lock.
    public struct Holder: Sendable, Hashable {
        public var pid: Int32
        public var command: String
        public var started: String
    }

    /// Another process holds the lock of `path`.
    case inUse(path: String, holder: Holder?)
    /// The lock file cannot be created or locked.
    case cannotLock(path: String, reason: String)

    public var description: String {
        switch self {
        case let .inUse(path, holder?):
            "\(path) is in use by process \(holder.pid) (\(holder.command), started \(holder.started)): "
                + "wait for it to finish; nothing was changed"
        case let .inUse(path, nil):
            "\(path) is in use by another process: wait for it to finish; nothing was changed"
        case let .cannotLock(path, reason):
            "cannot take the lock \(path): \(reason)"
        }
    }
}
