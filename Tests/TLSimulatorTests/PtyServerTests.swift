import Foundation
import ReaderProtocol
import TLSimulator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Host side of the pty in plain Glibc: open, raw termios, write a frame, read until the delimiter.
struct PtyHost {
    let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw HostError.unexpected("open \(path): errno \(errno)") }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
    }

    func close() { _ = Glibc.close(fd) }

    func exchange(_ request: Request, sequence: UInt8, timeoutMilliseconds: Int32 = 2000) throws -> Reply {
        let wire = request.frame(sequence: sequence).encodeForWire()
        let written = wire.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == wire.count else { throw HostError.unexpected("write") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while received.last != 0 {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeoutMilliseconds) > 0 else { throw HostError.timeout("reply over the pty") }
            let n = read(fd, &buffer, buffer.count)
            guard n > 0 else { throw HostError.unexpected("read \(n) errno \(errno)") }
            received += buffer[0..<n]
        }
        let frames = try Host.frames(received)
        guard frames.count == 1, frames[0].sequence == sequence else { throw HostError.unexpected("frames \(frames)") }
        return try Reply(frame: frames[0])
    }
}

@Suite("PtyReaderServer", .serialized)
struct PtyServerTests {
    @Test("round trip over a real pseudo-terminal; a second host can open it after the first closed it; stop hangs up")
    func roundTrip() throws {
        let server = PtyReaderServer(engine: try ReaderEngine(scenario: TestScenarios.small, pace: .elementMilliseconds(30)))
        let path = try server.start()
        #expect(path.hasPrefix("/dev/pts/"))
        #expect(server.devicePath == path)
        #expect(throws: PtyServerError.alreadyStarted) { try server.start() }

        let first = try PtyHost(path: path)
        #expect(try first.exchange(.hello(minVersion: 1, maxVersion: 1), sequence: 0) == .hello(version: 1, readerMaxVersion: 1))
        guard case let .status(s) = try first.exchange(.status, sequence: 1) else { Issue.record("status"); return }
        #expect(s.magazineRemaining == 3 && s.events.contains(.powerOnReset))
        #expect(try first.exchange(.loadNext, sequence: 2) == .started(.loadNext))
        first.close()

        // The server kept serving through the EIO of the closed slave; the wall clock moved the card in.
        usleep(100_000)
        let second = try PtyHost(path: path)
        guard case let .status(loaded) = try second.exchange(.status, sequence: 3) else { Issue.record("status 2"); return }
        #expect(loaded.state == .cardLoaded && loaded.cardID == TestScenarios.small.cards[0].id)
        // Binary-safe: a GET_CHUNK reply full of arbitrary bytes arrives intact.
        #expect(try second.exchange(.readElement(1), sequence: 4) == .readStarted(ReadStarted(element: 1, channels: 200, expectedMilliseconds: 30)))
        usleep(80_000)
        guard case let .chunk(c) = try second.exchange(.getChunk(element: 1, firstChannel: 0, maxChannels: 128), sequence: 5) else { Issue.record("chunk"); return }
        #expect(c.channels.count == 128)

        server.stop()
        #expect(server.devicePath == nil && !server.isRunning)
        var pfd = pollfd(fd: second.fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pfd, 1, 1000) > 0)
        var byte: UInt8 = 0
        #expect(read(second.fd, &byte, 1) <= 0, "the host sees a hang-up")
        second.close()
    }
}
