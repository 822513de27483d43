import Foundation

/// Packs per-channel glow-curve arrays into the BLOB columns of `elementReading` and back.
///
/// The layout is the reader's wire layout (firmware-protocol/PROTOCOL.md §1, §5.4): photon counts
/// are `u32` and heater temperatures are `i16` in tenths of a degree Celsius, both little-endian,
/// one value per channel, no header. The byte order is fixed here, not taken from the host, so a
/// database file moves between machines unchanged.
///
/// ```swift
/// let blob = ChannelBlobCodec.encode(counts: [0, 17, 4_000_000])   // 12 bytes
/// let counts = try ChannelBlobCodec.decodeCounts(blob)             // [0, 17, 4_000_000]
/// ```
///
/// Decoding never traps: a BLOB whose length is not a whole number of values, or does not match
/// the expected channel count, throws a ``BlobDecodingError``.
public enum ChannelBlobCodec {
    /// Bytes per photon-count value (`u32`).
    public static let bytesPerCount = 4
    /// Bytes per temperature value (`i16`, tenths of °C).
    public static let bytesPerTemperature = 2

    /// Encodes photon counts as consecutive little-endian `u32`.
    public static func encode(counts: [UInt32]) -> Data {
        var data = Data(capacity: counts.count * bytesPerCount)
        for value in counts {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Encodes heater temperatures (tenths of °C) as consecutive little-endian `i16`.
    public static func encode(temperaturesDeciCelsius: [Int16]) -> Data {
        var data = Data(capacity: temperaturesDeciCelsius.count * bytesPerTemperature)
        for value in temperaturesDeciCelsius {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Decodes consecutive little-endian `u32` photon counts.
    ///
    /// - Parameter expectedChannels: when given, the BLOB must hold exactly that many values.
    public static func decodeCounts(
        _ data: Data, expectedChannels: Int? = nil
    ) throws(BlobDecodingError) -> [UInt32] {
        let channels = try channelCount(of: data, bytesPerValue: bytesPerCount, column: .counts,
                                        expectedChannels: expectedChannels)
        let bytes = [UInt8](data)
        var values = [UInt32]()
        values.reserveCapacity(channels)
        for channel in 0..<channels {
            let base = channel * bytesPerCount
            let value = UInt32(bytes[base])
                | UInt32(bytes[base + 1]) << 8
                | UInt32(bytes[base + 2]) << 16
                | UInt32(bytes[base + 3]) << 24
            values.append(value)
        }
        return values
    }

    /// Decodes consecutive little-endian `i16` heater temperatures (tenths of °C).
    ///
    /// - Parameter expectedChannels: when given, the BLOB must hold exactly that many values.
    public static func decodeTemperatures(
        _ data: Data, expectedChannels: Int? = nil
    ) throws(BlobDecodingError) -> [Int16] {
        let channels = try channelCount(of: data, bytesPerValue: bytesPerTemperature,
                                        column: .temperatures, expectedChannels: expectedChannels)
        let bytes = [UInt8](data)
        var values = [Int16]()
        values.reserveCapacity(channels)
        for channel in 0..<channels {
            let base = channel * bytesPerTemperature
            let bits = UInt16(bytes[base]) | UInt16(bytes[base + 1]) << 8
            values.append(Int16(bitPattern: bits))
        }
        return values
    }

    private static func channelCount(
        of data: Data, bytesPerValue: Int, column: BlobDecodingError.Column, expectedChannels: Int?
    ) throws(BlobDecodingError) -> Int {
        guard data.count % bytesPerValue == 0 else {
            throw .lengthNotMultiple(column: column, byteCount: data.count, bytesPerValue: bytesPerValue)
        }
        let channels = data.count / bytesPerValue
        if let expectedChannels, channels != expectedChannels {
            throw .channelCountMismatch(column: column, expected: expectedChannels, found: channels)
        }
        return channels
    }
}
