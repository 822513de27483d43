import DeviceIO

/// The calls ``SerialPortTransport`` needs from a serial port. `DeviceIO.SerialPort` (an actor on its own
/// thread that owns the file descriptor) provides them; tests may substitute their own port.
public protocol SerialPortIO: Sendable {
    func write(_ bytes: [UInt8]) async throws
    func read(maxCount: Int, timeout: Duration) async throws -> [UInt8]
    func close() async
}

/// A ``ByteTransport`` over a serial port (the reader's USB-serial adapter at 115200 8N1, PROTOCOL.md 1).
///
/// A thin adapter: the port does the I/O off the cooperative thread pool; this type only forwards.
public struct SerialPortTransport<Port: SerialPortIO>: ByteTransport {
    public let port: Port

    public init(port: Port) { self.port = port }

    public func write(_ bytes: [UInt8]) async throws { try await port.write(bytes) }

    public func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        try await port.read(maxCount: maxCount, timeout: timeout)
    }

    public func close() async { await port.close() }
}

extension SerialPort: SerialPortIO {
    /// write(2) of all bytes, giving up after 5 s (a reader frame is at most 1037 bytes: ~90 ms at 115200).
    public func write(_ bytes: [UInt8]) async throws {
        try await write(bytes, timeout: .seconds(5))
    }
}

extension SerialPortTransport where Port == SerialPort {
    /// Opens the reader's serial device (e.g. `/dev/ttyUSB0`, or a simulator's pseudo-terminal) at
    /// 115200 baud, 8N1, no flow control (PROTOCOL.md 1).
    public static func open(path: String) async throws -> SerialPortTransport<SerialPort> {
        SerialPortTransport(port: try await SerialPort.open(path: path, configuration: .init(baudRate: 115_200)))
    }
}
