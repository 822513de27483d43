/// The checksum the reader sends with a glow curve (firmware-protocol/PROTOCOL.md §5.3):
/// CRC-32/ISO-HDLC over all channels in order, each as `counts u32` LE then `temperature i16` LE.
///
/// CRC-32/ISO-HDLC (the zlib/Ethernet CRC): width 32, polynomial 0x04C11DB7 (reflected 0xEDB88320),
/// init 0xFFFFFFFF, refin and refout true, xorout 0xFFFFFFFF, check value 0xCBF43926 for the ASCII
/// bytes "123456789" (reveng CRC catalogue, entry CRC-32/ISO-HDLC). The store recomputes it before
/// it stores a curve, so the curve on disk is provably the one the reader sent.
public enum CurveCRC32 {
    private static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
        return crc
    }

    /// CRC-32/ISO-HDLC of a byte sequence.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The reader's curve checksum: channels interleaved as `counts u32` LE, `temperature i16` LE.
    ///
    /// - Precondition: both arrays have the same length (checked by the caller).
    public static func curveChecksum(counts: [UInt32], temperaturesDeciCelsius: [Int16]) -> UInt32 {
        var bytes = [UInt8]()
        bytes.reserveCapacity(counts.count * 6)
        for (count, temperature) in zip(counts, temperaturesDeciCelsius) {
            withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: temperature.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return checksum(bytes)
    }
}
