/// Little-endian writer for payloads (PROTOCOL.md conventions).
public struct ByteWriter: Sendable {
    public var bytes: [UInt8] = []
    public init() {}
    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
    public mutating func i16(_ v: Int16) { u16(UInt16(bitPattern: v)) }
    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((v >> UInt32(shift)) & 0xFF)) }
    }
    /// A `str`: u8 byte count then UTF-8, at most 64 bytes (longer text is cut at a character boundary).
    public mutating func string(_ s: String) {
        var utf8 = Array(s.utf8)
        if utf8.count > ProtocolLimits.maxStringBytes {
            var cut = ProtocolLimits.maxStringBytes
            while cut > 0 && (utf8[cut] & 0xC0) == 0x80 { cut -= 1 }
            utf8 = Array(utf8[..<cut])
        }
        u8(UInt8(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Little-endian reader over a payload; every read is bounds-checked.
public struct ByteReader: Sendable {
    private let bytes: [UInt8]
    private(set) var offset = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, _ field: String) throws(PayloadError) -> ArraySlice<UInt8> {
        guard remaining >= n else { throw .truncated(field: field, needed: n, available: remaining) }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
    public mutating func u8(_ field: String) throws(PayloadError) -> UInt8 { try take(1, field).first ?? 0 }
    public mutating func u16(_ field: String) throws(PayloadError) -> UInt16 {
        let s = try take(2, field)
        return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
    }
    public mutating func i16(_ field: String) throws(PayloadError) -> Int16 { Int16(bitPattern: try u16(field)) }
    public mutating func u32(_ field: String) throws(PayloadError) -> UInt32 {
        let s = try take(4, field)
        var v: UInt32 = 0
        for (k, b) in s.enumerated() { v |= UInt32(b) << UInt32(8 * k) }
        return v
    }
    public mutating func string(_ field: String) throws(PayloadError) -> String {
        let n = Int(try u8(field))
        guard n <= ProtocolLimits.maxStringBytes else { throw .outOfRange(field: field, value: n) }
        let s = try take(n, field)
        guard let text = String(validating: s, as: UTF8.self) else { throw .invalidText(field: field) }
        return text
    }
    /// Throws when bytes are left over: a payload must be exactly as long as its message says.
    public func finish(_ message: String) throws(PayloadError) {
        guard remaining == 0 else { throw .trailingBytes(message: message, count: remaining) }
    }
}

/// Why a payload could not be read. Each case says one thing.
public enum PayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated(field: String, needed: Int, available: Int)
    case trailingBytes(message: String, count: Int)
    case outOfRange(field: String, value: Int)
    case invalidText(field: String)
    case unknownMessageType(UInt8)

    public var description: String {
        switch self {
        case let .truncated(f, n, a): "payload ends inside field '\(f)' (needs \(n) bytes, \(a) left)"
        case let .trailingBytes(m, c): "\(m) payload has \(c) unexpected trailing bytes"
        case let .outOfRange(f, v): "field '\(f)' has value \(v), outside its range"
        case let .invalidText(f): "field '\(f)' is not valid UTF-8"
        case let .unknownMessageType(t): "message type 0x\(hex(t)) is not defined in protocol version 1"
        }
    }
}

/// Two-digit uppercase hex of a byte (no Foundation in this module).
@inlinable public func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
}

public enum ProtocolLimits {
    public static let version: UInt8 = 1
    public static let maxPayload = 1024
    public static let headerSize = 5
    public static let crcSize = 2
    public static let maxFrame = headerSize + maxPayload + crcSize
    /// Longest COBS-encoded frame without the delimiter: one code byte per started 254 bytes.
    public static let maxEncodedFrame = maxFrame + (maxFrame + 253) / 254
    public static let maxStringBytes = 64
    public static let maxChunkChannels = 128
    public static let maxChannels = 4096
}
