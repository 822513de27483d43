/// A complete raw glow curve of one element as the reader sent it, with its heating record.
///
/// Units are the reader's (firmware-protocol/PROTOCOL.md §5.3, §5.4): photon counts per channel,
/// heater temperature per channel in tenths of °C, channel duration in microseconds.
public struct ElementCurve: Sendable, Hashable {
    /// Photon counts, one per channel.
    public var counts: [UInt32]
    /// Heater temperature, one per channel, tenths of °C.
    public var temperaturesDeciCelsius: [Int16]
    /// Duration of one channel, microseconds.
    public var channelMicroseconds: UInt32
    /// PMT dark count rate measured just before heating, counts per second.
    public var pmtDarkCountsPerSecond: UInt32
    /// Highest heater temperature during the read, tenths of °C.
    public var heaterMaxDeciCelsius: Int16
    /// The CRC-32 the reader sent with the curve (see ``CurveCRC32``).
    public var readerCurveCRC32: UInt32

    public init(
        counts: [UInt32], temperaturesDeciCelsius: [Int16], channelMicroseconds: UInt32,
        pmtDarkCountsPerSecond: UInt32, heaterMaxDeciCelsius: Int16, readerCurveCRC32: UInt32
    ) {
        self.counts = counts
        self.temperaturesDeciCelsius = temperaturesDeciCelsius
        self.channelMicroseconds = channelMicroseconds
        self.pmtDarkCountsPerSecond = pmtDarkCountsPerSecond
        self.heaterMaxDeciCelsius = heaterMaxDeciCelsius
        self.readerCurveCRC32 = readerCurveCRC32
    }

    /// Number of channels in the curve.
    public var channelCount: Int { counts.count }

    /// The channel counts a reader can deliver (PROTOCOL.md §5.2: 1–4096 channels per curve).
    public static let channelRange = 1...4096

    /// The CRC-32 of this curve's data, to compare with ``readerCurveCRC32``.
    public func computedCRC32() -> UInt32 {
        CurveCRC32.curveChecksum(counts: counts, temperaturesDeciCelsius: temperaturesDeciCelsius)
    }
}
