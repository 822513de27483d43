/// CRC-16/IBM-3740 (alias CRC-16/CCITT-FALSE): width 16, poly 0x1021, init 0xFFFF, refin false,
/// refout false, xorout 0x0000, check 0x29B1 (reveng catalogue). Guards every frame (PROTOCOL.md 2.2).
public enum CRC16IBM3740 {
    private static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0xFFFF
        for b in bytes { crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ b)] }
        return crc
    }
}

/// CRC-32/ISO-HDLC (the zlib/PNG CRC): width 32, poly 0x04C11DB7, init 0xFFFFFFFF, refin true,
/// refout true, xorout 0xFFFFFFFF, check 0xCBF43926. Guards a whole glow curve (PROTOCOL.md 5.3).
public struct CRC32ISOHDLC: Sendable {
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }
    private var state: UInt32 = 0xFFFF_FFFF
    public init() {}

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for b in bytes { state = (state >> 8) ^ Self.table[Int(UInt8(truncatingIfNeeded: state) ^ b)] }
    }

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c = CRC32ISOHDLC()
        c.update(bytes)
        return c.value
    }

    /// The curve checksum of PROTOCOL.md 5.3: each channel as `counts u32` LE then `temperature i16` LE.
    public static func curveChecksum(_ channels: [CurveChannel]) -> UInt32 {
        var c = CRC32ISOHDLC()
        var w = ByteWriter()
        for ch in channels {
            w.bytes.removeAll(keepingCapacity: true)
            w.u32(ch.counts)
            w.i16(ch.temperatureDeciCelsius)
            c.update(w.bytes)
        }
        return c.value
    }
}
