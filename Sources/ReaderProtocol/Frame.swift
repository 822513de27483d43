/// One frame of PROTOCOL.md section 2: version, sequence number, message type and payload.
/// The CRC and the COBS stuffing are added by ``encodeForWire()`` and checked by ``FrameDecoder``.
public struct Frame: Sendable, Hashable {
    public var version: UInt8
    public var sequence: UInt8
    public var type: UInt8
    public var payload: [UInt8]

    public init(version: UInt8 = ProtocolLimits.version, sequence: UInt8, type: UInt8, payload: [UInt8] = []) {
        self.version = version
        self.sequence = sequence
        self.type = type
        self.payload = payload
    }

    /// The frame bytes before stuffing: header, payload, CRC-16 big-endian.
    /// - Precondition: the payload is at most 1024 bytes (``ProtocolLimits/maxPayload``).
    public func encodedFrame() -> [UInt8] {
        precondition(payload.count <= ProtocolLimits.maxPayload, "payload longer than the protocol allows")
        var out: [UInt8] = [version, sequence, type, UInt8(payload.count & 0xFF), UInt8(payload.count >> 8)]
        out.append(contentsOf: payload)
        let crc = CRC16IBM3740.checksum(out)
        out.append(UInt8(crc >> 8))
        out.append(UInt8(crc & 0xFF))
        return out
    }

    /// The bytes to send: COBS of ``encodedFrame()`` then the 0x00 delimiter.
    public func encodeForWire() -> [UInt8] {
        var out = COBS.encode(encodedFrame())
        out.append(0)
        return out
    }

    /// Parses an unstuffed frame, checking length, CRC and version, in that order.
    public init(decoding bytes: [UInt8], supportedVersions: ClosedRange<UInt8> = 1...1) throws(FrameError) {
        guard bytes.count >= ProtocolLimits.headerSize + ProtocolLimits.crcSize else {
            throw .badLength(sequence: bytes.count >= 2 ? bytes[1] : nil)
        }
        let seq = bytes[1]
        let declared = Int(bytes[3]) | Int(bytes[4]) << 8
        guard declared <= ProtocolLimits.maxPayload,
              declared == bytes.count - ProtocolLimits.headerSize - ProtocolLimits.crcSize
        else { throw .badLength(sequence: seq) }
        let body = bytes[0..<(bytes.count - 2)]
        let crc = UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
        guard CRC16IBM3740.checksum(body) == crc else { throw .badCRC(sequence: seq) }
        guard supportedVersions.contains(bytes[0]) else { throw .unsupportedVersion(bytes[0], sequence: seq) }
        self.init(version: bytes[0], sequence: seq, type: bytes[2], payload: Array(bytes[5..<(bytes.count - 2)]))
    }
}

/// Why received bytes were not a valid frame (PROTOCOL.md 2.3). Never acted upon.
public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    case badCRC(sequence: UInt8)
    case badLength(sequence: UInt8?)
    case badStuffing
    case unsupportedVersion(UInt8, sequence: UInt8)
    case frameTooLong(discardedBytes: Int)

    /// The NAK reason code of PROTOCOL.md 3.3.
    public var nakReason: NakReason {
        switch self {
        case .badCRC: .badCRC
        case .badLength: .badLength
        case .badStuffing: .badStuffing
        case .unsupportedVersion: .unsupportedVersion
        case .frameTooLong: .frameTooLong
        }
    }

    /// The damaged frame's sequence byte when it could be read.
    public var sequence: UInt8? {
        switch self {
        case let .badCRC(s): s
        case let .badLength(s): s
        case let .unsupportedVersion(_, s): s
        case .badStuffing, .frameTooLong: nil
        }
    }

    public var description: String {
        switch self {
        case let .badCRC(s): "frame seq \(s): CRC mismatch"
        case let .badLength(s): "frame\(s.map { " seq \($0)" } ?? ""): length field disagrees with the bytes received"
        case .badStuffing: "frame: invalid COBS byte stuffing"
        case let .unsupportedVersion(v, s): "frame seq \(s): protocol version \(v) is not supported"
        case let .frameTooLong(n): "\(n) bytes without a frame delimiter were discarded"
        }
    }
}

/// NAK reason codes (PROTOCOL.md 3.3).
public enum NakReason: UInt8, Sendable, Hashable, CaseIterable {
    case badCRC = 1, badLength = 2, badStuffing = 3, unsupportedVersion = 4, frameTooLong = 5
}
