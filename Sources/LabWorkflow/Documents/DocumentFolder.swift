import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder the lab writes documents to, each file whole or not at all: written to a hidden
/// temporary name beside it (`.NAME.partial-PID`), then renamed over the final name (rename(2) is
/// atomic), so a killed run never leaves half a document under a document's name. Plain POSIX calls
/// (open, write, close, rename): one file costs two directory operations and no fsync; ``flush()``
/// fsyncs the folder once at the end instead of a file at a time (`fsync(2)`, `rename(2)`: Linux
/// man-pages).
public struct DocumentFolder: Sendable {
    public let path: String

    /// Creates the folder when it is missing.
    public init(path: String) throws(DocumentFolderError) {
        self.path = path
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .cannotCreate(path: path, reason: error.localizedDescription)
        }
    }

    public func filePath(_ name: String) -> String { path.hasSuffix("/") ? path + name : path + "/" + name }

    /// Writes `bytes` as `name`, whole or not at all.
    public func write(_ bytes: [UInt8], as name: String) throws(DocumentFolderError) {
        let final = filePath(name)
        let temporary = filePath(".\(name).partial-\(getpid())")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: final, reason: Self.lastError()) }
        var done = 0
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            while done < buffer.count {
                guard let base = buffer.baseAddress else { return }
                let n = systemWrite(fd, base + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = Self.lastError()
                    return
                }
                done += n
            }
        }
        if close(fd) != 0, failure == nil { failure = Self.lastError() }
        if failure == nil, rename(temporary, final) != 0 { failure = Self.lastError() }
        if let failure {
            unlink(temporary)
            throw .cannotWrite(path: final, reason: failure)
        }
    }

    /// Whether `name` is there, whole: it ends with `trailer` (a document written by ``write(_:as:)``
    /// is there whole after a kill; the trailer check also catches a file a power loss left empty or
    /// cut short before ``flush()`` ran).
    public func holdsWhole(_ name: String, endingWith trailer: [UInt8]) -> Bool {
        let fd = open(filePath(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) >= max(trailer.count, 1) else { return false }
        guard !trailer.isEmpty else { return true }
        var tail = [UInt8](repeating: 0, count: trailer.count)
        let n = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, trailer.count, off_t(Int(info.st_size) - trailer.count)) }
        return n == trailer.count && tail == trailer
    }

    /// Removes what killed runs left (hidden `.NAME.partial-PID` files).
    public func removePartials() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(".partial-") {
            unlink(filePath(name))
        }
    }

    /// Makes the names of the documents written so far durable: one fsync of the folder at the end,
    /// not one per file. The files' contents are not forced to disk: a document is made from the
    /// database (which is durable) and a rerun makes again any document a crash left empty or cut
    /// short (``holdsWhole(_:endingWith:)``).
    public func flush() throws(DocumentFolderError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: Self.lastError()) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, reason: Self.lastError()) }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// Why a document could not be written: exit code 73 (can't create) in `tld`.
public enum DocumentFolderError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): "cannot create \(path): \(reason)"
        case let .cannotWrite(path, reason): "cannot write \(path): \(reason)"
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
