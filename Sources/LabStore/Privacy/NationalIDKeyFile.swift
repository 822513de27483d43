import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

/// The national-ID master key on disk: one line of base64 text, mode 0600.
///
/// A key file is only ever *created*, never written over: `open(2)` with `O_CREAT | O_EXCL` fails
/// with `EEXIST` when anything is at the path (POSIX: "If O_CREAT and O_EXCL are set, open() shall
/// fail if the file exists"), and the mode 0600 is given to `open` itself, so the file is private
/// from its first byte (no window with the umask's 0644). Before the key seals anything, the file
/// and its folder are `fsync`ed (fsync(2): syncing a file does not sync the directory entry that
/// names it; "an explicit fsync() on a file descriptor for the directory is also needed").
public enum NationalIDKeyFile {
    /// The key bytes of the file at `path`.
    /// - Throws: ``NationalIDError/keyMissing(path:)`` when there is no file,
    ///   ``NationalIDError/keyUnreadable(path:reason:)`` when it cannot be read or is not base64 of 32 bytes.
    public static func read(path: String) throws(NationalIDError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw .keyMissing(path: path) }
            throw .keyUnreadable(path: path, reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .keyUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes += buffer[..<n]
            guard bytes.count <= 1024 else { throw .keyUnreadable(path: path, reason: "it is far too long for a key") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .keyUnreadable(path: path, reason: "it is not text (not UTF-8)")
        }
        guard let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32 else {
            throw .keyUnreadable(path: path, reason: "it does not hold the base64 of 32 bytes")
        }
        return key
    }

    /// Creates the key file at `path` holding `key` (base64 and a newline), mode 0600, and makes it
    /// durable (fsync of the file and of its folder) before returning.
    /// - Throws: ``NationalIDError/keyFileExists(path:)`` when anything is at `path` (it is left
    ///   untouched), ``NationalIDError/cannotWriteKey(path:reason:)`` otherwise.
    public static func create(path: String, key: Data) throws(NationalIDError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw .keyFileExists(path: path) }
            throw .cannotWriteKey(path: path, reason: String(cString: strerror(code)))
        }
        let text = Array((key.base64EncodedString() + "\n").utf8)
        var written = 0
        var failure: Int32 = 0
        while written < text.count {
            let n = text[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += n
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 { failure = syncFolder(of: path) }
        guard failure == 0 else {
            // A key that is not durable never seals anything: remove the half-made file.
            unlink(path)
            throw .cannotWriteKey(path: path, reason: String(cString: strerror(failure)))
        }
    }

    /// fsync of the folder holding `path`, so the new directory entry survives a crash; 0 or errno.
    static func syncFolder(of path: String) -> Int32 {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        return fsync(fd) == 0 ? 0 : errno
    }
}
