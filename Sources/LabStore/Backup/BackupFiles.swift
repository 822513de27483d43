import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File operations of backups and restores: exclusive creation, durable renames, checksums.
package enum BackupFiles {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        /// The file exists already (EEXIST): nothing is overwritten.
        package var exists = false
    }

    /// Creates a new file (O_EXCL, mode 0600) and opens it for writing.
    package static func createExclusive(path: String) throws -> FileHandle {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_t(0o600))
        guard fd >= 0 else {
            let code = errno
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(code)))", exists: code == EEXIST)
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// The SHA-256 of a file's bytes, read in 1 MiB pieces.
    package static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(description: "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().hexString
    }

    /// fsync of a file by path.
    package static func sync(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(description: "cannot sync \(path): \(String(cString: strerror(errno)))") }
    }

    /// fsync of the folder that holds `path`, so that a rename or a new name in it is durable.
    package static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// Gives the file at `from` the name `to` only if no file has that name (link(2) fails with
    /// EEXIST, atomically), then removes the old name; the folder is synced.
    package static func moveNoReplace(from: String, to: String) throws {
        guard link(from, to) == 0 else {
            let code = errno
            throw Failure(description: "cannot create \(to): \(String(cString: strerror(code)))", exists: code == EEXIST)
        }
        unlink(from)
        syncFolder(of: to)
    }

    /// Writes `data` to `path` through a temporary name and a rename (never a half-written file).
    package static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = path + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        let handle = try createExclusive(path: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(code)))")
        }
        syncFolder(of: path)
    }
}
