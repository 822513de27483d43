import DeviceIO

/// The calls ``SerialPortTransport`` needs from a serial port: `DeviceIO.SerialPort` (an actor that
/// owns the file descriptor) provides them.
///
/// - Note: `DeviceIO.SerialPort` is written on another branch and not merged yet. Until it is, this
///   protocol stands in for it; when it lands, add `extension SerialPort: SerialPortIO {}` and enable
///   the `TL_DEVICEIO_SERIALPORT` block below (or delete the condition).
public protocol SerialPortIO: Sendable {
    func write(_ bytes: [UInt8]) async throws
    func read(maxCount: Int, timeout: Duration) async throws -> [UInt8]
    func close() async
}

/// A ``ByteTransport`` over a serial port (the reader's USB-serial adapter at 115200 8N1, PROTOCOL.md 1).
///
/// A thin adapter: the port does the I/O (off the cooperative thread pool), this type only forwards.
public struct SerialPortTransport<Port: SerialPortIO>: ByteTransport {
    public let port: Port

    public init(port: Port) { self.port = port }

    public func write(_ bytes: [UInt8]) async throws { try await port.write(bytes) }

    public func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        try await port.read(maxCount: maxCount, timeout: timeout)
    }

    public func close() async { await port.close() }
}

#if TL_DEVICEIO_SERIALPORT
extension SerialPort: SerialPortIO {}

extension SerialPortTransport where Port == SerialPort {
    /// Opens the reader's serial device (e.g. `/dev/ttyUSB0`) at 115200 baud, 8N1, no flow control.
    public static func open(path: String) async throws -> SerialPortTransport<SerialPort> {
        SerialPortTransport(port: try await SerialPort.open(path: path, configuration: .init(baudRate: 115_200)))
    }
}
#endif
