import Testing
@testable import DeviceIO

@Suite("SerialPort timeouts, cancellation and threads")
struct SerialPortTimingTests {
    @Test("read with nothing pending returns [] after about the timeout", arguments: [50, 200])
    func readTimeout(milliseconds: Int) async throws {
        let (pty, port) = try await openedPair()
        let (got, seconds) = try await measure {
            try await port.read(maxCount: 4096, timeout: .milliseconds(milliseconds))
        }
        #expect(got == [])
        let expected = Double(milliseconds) / 1000
        #expect(seconds >= expected * 0.98, "returned early: \(seconds) s")
        #expect(seconds < expected + 0.25, "returned late: \(seconds) s")
        await port.close()
        await pty.close()
    }

    @Test("read with a zero timeout only looks")
    func zeroTimeout() async throws {
        let (pty, port) = try await openedPair()
        #expect(try await port.read(maxCount: 8, timeout: .zero) == [])
        try await pty.write([0x42])
        try await Task.sleep(for: .milliseconds(20))
        #expect(try await port.read(maxCount: 8, timeout: .zero) == [0x42])
        await port.close()
        await pty.close()
    }

    @Test("a write nobody reads fills the pty buffer and times out")
    func writeTimeout() async throws {
        let (pty, port) = try await openedPair()
        let block = [UInt8](repeating: 0x55, count: 4 << 20)
        let (error, seconds) = await measure {
            await #expect(throws: SerialError.timedOut(path: pty.slavePath, call: "write", timeout: .milliseconds(200))) {
                try await port.write(block, timeout: .milliseconds(200))
            }
        }
        #expect(error != nil)
        #expect(seconds >= 0.19 && seconds < 1.0)
        await port.close()
        await pty.close()
    }

    @Test("cancelling a task blocked in read ends it at once with .cancelled")
    func cancelBlockedRead() async throws {
        let (pty, port) = try await openedPair()
        let start = ContinuousClock.now
        let reader = Task { () async throws(SerialError) -> [UInt8] in
            try await port.read(maxCount: 16, timeout: .seconds(30))
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        let result = await reader.result
        #expect(throws: SerialError.cancelled(path: pty.slavePath)) { try result.get() }
        #expect(start.duration(to: .now) < .seconds(2))
        // the port still works afterwards, for another task
        try await pty.write([7])
        #expect(try await port.read(maxCount: 1, timeout: .seconds(1)) == [7])
        await port.close()
        await pty.close()
    }

    @Test("blocking reads on several ports run in parallel and leave the cooperative pool free")
    func readsDoNotOccupyTheCooperativePool() async throws {
        // Six ports each block 400 ms in poll. On the cooperative pool (2 threads here) that
        // would take ≥ 1.2 s, and a task sleeping on the pool meanwhile would be held up.
        var pairs: [(PseudoTerminalPair, SerialPort)] = []
        for _ in 0..<6 { pairs.append(try await openedPair()) }
        let ports = pairs.map(\.1)
        let (_, seconds) = try await measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for port in ports {
                    group.addTask { _ = try await port.read(maxCount: 1, timeout: .milliseconds(400)) }
                }
                group.addTask {
                    let (_, slept) = try await measure { try await Task.sleep(for: .milliseconds(100)) }
                    #expect(slept < 0.35, "a pool task was held up \(slept) s")
                }
                try await group.waitForAll()
            }
        }
        #expect(seconds < 1.0, "six 400 ms reads took \(seconds) s: they ran on a shared pool")
        for (pty, port) in pairs {
            await port.close()
            await pty.close()
        }
    }
}
