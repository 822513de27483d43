/// Turns a byte stream into frames, resynchronising at every 0x00 (PROTOCOL.md 2.3).
///
/// Feed it whatever the serial port returned; it keeps a partial frame between calls.
/// ```swift
/// var decoder = FrameDecoder()
/// for event in decoder.feed(bytesFromPort) {
///     switch event {
///     case .frame(let f): handle(f)
///     case .damaged(let error): log(error)   // never acted upon
///     }
/// }
/// ```
public struct FrameDecoder: Sendable {
    public enum Event: Sendable, Hashable {
        case frame(Frame)
        case damaged(FrameError)
    }

    private var buffer: [UInt8] = []
    private var overflowed = 0
    public let supportedVersions: ClosedRange<UInt8>

    public init(supportedVersions: ClosedRange<UInt8> = 1...1) {
        self.supportedVersions = supportedVersions
        buffer.reserveCapacity(ProtocolLimits.maxEncodedFrame)
    }

    /// Bytes held of a frame not yet ended by a delimiter.
    public var pendingByteCount: Int { buffer.count + overflowed }

    /// Drops a partial frame (e.g. after a reconnect).
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        overflowed = 0
    }

    public mutating func feed<C: Sequence>(_ bytes: C) -> [Event] where C.Element == UInt8 {
        var events: [Event] = []
        for b in bytes {
            if b != 0 {
                if overflowed > 0 || buffer.count >= ProtocolLimits.maxEncodedFrame {
                    if overflowed == 0 { overflowed = buffer.count; buffer.removeAll(keepingCapacity: true) }
                    overflowed += 1
                } else {
                    buffer.append(b)
                }
                continue
            }
            // Delimiter.
            if overflowed > 0 {
                events.append(.damaged(.frameTooLong(discardedBytes: overflowed)))
                overflowed = 0
                continue
            }
            if buffer.isEmpty { continue }  // idle fill
            defer { buffer.removeAll(keepingCapacity: true) }
            do {
                let raw = try COBS.decode(buffer[...])
                events.append(.frame(try Frame(decoding: raw, supportedVersions: supportedVersions)))
            } catch {
                events.append(.damaged(error))
            }
        }
        return events
    }
}
