/// A byte pipe to an instrument: a serial port, a pseudo-terminal, or an in-memory pair in tests.
///
/// The reader driver speaks ``ReaderProtocol`` frames over it; the transport knows nothing of frames.
/// Implementations must not block a thread of Swift's cooperative pool while they wait for bytes.
public protocol ByteTransport: Sendable {
    /// Sends all of `bytes`, in order.
    /// - Throws: ``TransportError/closed`` when the connection is gone, or the implementation's I/O error.
    func write(_ bytes: [UInt8]) async throws
    /// Returns between 1 and `maxCount` bytes as soon as some are available, or an **empty** array when
    /// none arrived within `timeout`.
    /// - Throws: ``TransportError/closed`` when the connection is gone and no bytes are left to read.
    func read(maxCount: Int, timeout: Duration) async throws -> [UInt8]
    /// Closes the connection. Further reads and writes throw; closing twice is harmless.
    func close() async
}

/// Why a transport could not move bytes. Each case says one thing.
public enum TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection was closed or cut (cable pulled, device gone, `close()` called).
    case closed
    /// Two tasks tried to read the same end at once; a transport has one reader.
    case concurrentRead

    public var description: String {
        switch self {
        case .closed: "the connection to the instrument is closed"
        case .concurrentRead: "two tasks read the same transport at once"
        }
    }
}
