// The test plumbing's answer to umockdev 0.17's abort on a uevent sent to a monitor that just closed
// (ChildProcess.runUnderUmockdev): only that abort is run again, and nothing else is hidden.
import Glibc
import TestSupport
import Testing

@Suite("A child under umockdev that umockdev itself aborted is run again; any other failure is not")
struct UmockdevAbortRetryTests {
    /// A shell child that aborts with umockdev's message while `marker` does not yet exist, and
    /// creates it; afterwards it prints "ran" and exits with `status`.
    static func script(marker: String, message: String, status: Int32) -> [String] {
        ["/bin/sh", "-c",
         "if [ ! -e '\(marker)' ]; then : > '\(marker)'; echo '\(message)' >&2; kill -ABRT $$; fi; echo ran; exit \(status)"]
    }

    @Test("umockdev's uevent abort: the second attempt's outcome, the first one's output kept in front")
    func umockdevAbortIsRunAgain() async throws {
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        let outcome = try await ChildProcess.runUnderUmockdev(
            Self.script(marker: "\(directory)/once", message: ChildProcess.umockdevUeventAbort, status: 0), timeout: .seconds(20))
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("attempt 1 aborted inside umockdev"))
        #expect(outcome.output.hasSuffix("ran\n"))
    }

    @Test("another abort, or a plain failure, is returned as it is, on the first attempt")
    func otherFailuresAreNotRetried() async throws {
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        let aborted = try await ChildProcess.runUnderUmockdev(
            Self.script(marker: "\(directory)/a", message: "assertion failed somewhere else", status: 0), timeout: .seconds(20))
        #expect(aborted.status == 128 + SIGABRT)
        #expect(!aborted.output.contains("ran"))
        let failed = try await ChildProcess.runUnderUmockdev(
            ["/bin/sh", "-c", "echo '\(ChildProcess.umockdevUeventAbort)'; exit 1"], timeout: .seconds(20))
        #expect(failed.status == 1)
        #expect(!failed.output.contains("attempt 1 aborted"))
    }

    @Test("an abort every time: given up after the attempts, with each attempt's output")
    func persistentAbortGivesUp() async throws {
        let outcome = try await ChildProcess.runUnderUmockdev(
            ["/bin/sh", "-c", "echo '\(ChildProcess.umockdevUeventAbort)' >&2; kill -ABRT $$"], timeout: .seconds(20), attempts: 3)
        #expect(outcome.status == 128 + SIGABRT)
        #expect(outcome.output.contains("attempt 2 aborted inside umockdev"))
        #expect(!outcome.output.contains("attempt 3 aborted"))
    }
}
