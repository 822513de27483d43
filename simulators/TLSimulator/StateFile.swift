import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and atomically writes the simulator's state file: write a temporary file beside it, fsync it,
/// rename it over the old one, fsync the directory (so a crash leaves the old or the new file, never a
/// torn one).
enum StateFile {
    static func load(path: String) throws(StateFileError) -> MagazineState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do { return try JSONDecoder().decode(MagazineState.self, from: data) } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
    }

    static func store(_ state: MagazineState, path: String) throws(StateFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(state) } catch {
            throw .corrupt(path: path, reason: "cannot encode: \(error)")
        }
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: path, step: "open \(temp)", errno: errno) }
        var failure: StateFileError?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .writeFailed(path: path, step: "write", errno: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = .writeFailed(path: path, step: "fsync", errno: errno) }
        close(fd)
        if let failure { unlink(temp); throw failure }
        guard rename(temp, path) == 0 else { throw .writeFailed(path: path, step: "rename", errno: errno) }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
