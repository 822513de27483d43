@testable import DeviceIO

/// Reads from `read` until `count` bytes have arrived or `timeout` passes.
func collect(
    _ count: Int, timeout: Duration = .seconds(2),
    _ read: (Int, Duration) async throws -> [UInt8]
) async throws -> [UInt8] {
    var got: [UInt8] = []
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while got.count < count, ContinuousClock.now < deadline {
        got += try await read(count - got.count, .milliseconds(100))
    }
    return got
}

extension SerialPort {
    nonisolated func readExactly(_ count: Int, timeout: Duration = .seconds(2)) async throws -> [UInt8] {
        try await collect(count, timeout: timeout) { try await self.read(maxCount: $0, timeout: $1) }
    }
}

extension PseudoTerminalPair {
    nonisolated func readExactly(_ count: Int, timeout: Duration = .seconds(2)) async throws -> [UInt8] {
        try await collect(count, timeout: timeout) { try await self.read(maxCount: $0, timeout: $1) }
    }
}

/// A pty pair with a `SerialPort` open on its slave.
func openedPair(
    _ configuration: SerialPort.Configuration = .init()
) async throws -> (PseudoTerminalPair, SerialPort) {
    let pty = try await PseudoTerminalPair.open()
    let port = try await SerialPort.open(path: pty.slavePath, configuration: configuration)
    return (pty, port)
}

/// Seconds elapsed while running `body`.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, seconds: Double) {
    let start = ContinuousClock.now
    let value = try await body()
    let elapsed = start.duration(to: .now)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (value, seconds)
}
