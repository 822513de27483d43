import Foundation
import TestSupport
import Testing
@testable import LabWorkflow

/// Issue 11, finding 4: one writer per file, with a message naming the holder.
@Suite("Writer lock")
struct WriterLockTests {
    @Test("a second lock on the same file is refused at once with the holder's process and command; released, it can be taken")
    func exclusive() throws {
        let dir = try TemporaryDirectory("lock")
        defer { dir.cleanup() }
        let db = dir.path("tld.sqlite")
        let first = try WriterLock.acquire(for: db, holder: "tld readout", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(first.lockPath == db + ".lock")
        #expect {
            _ = try WriterLock.acquire(for: db, holder: "tld demo")
        } throws: { error in
            guard case let WriterLockError.inUse(path, holder?)? = error as? WriterLockError else { return false }
            return path == db && holder.pid == getpid() && holder.command == "tld readout" && holder.started == "2027-01-15T08:00:00Z"
                && "\(error)".contains("in use by process \(getpid()) (tld readout, started 2027-01-15T08:00:00Z)")
        }
        first.release()
        let second = try WriterLock.acquire(for: db, holder: "tld demo")
        second.release()
    }
}
