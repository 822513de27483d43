/// The reader's time-temperature profile (TTP) for a batch, kept in the reader's own units
/// (firmware-protocol/PROTOCOL.md §5.2) so that nothing is rounded on the way to disk.
///
/// Stored as JSON text in `readoutBatch.timeTemperatureProfile`, for example
/// `{"acquisitionMilliseconds":26670,"annealDeciCelsius":3000,...}`. Degrees-Celsius and seconds
/// views are computed properties.
public struct TimeTemperatureProfile: Sendable, Hashable, Codable {
    /// Preheat temperature, tenths of °C.
    public var preheatDeciCelsius: Int16
    /// Preheat hold, milliseconds.
    public var preheatMilliseconds: UInt32
    /// Linear heating rate, tenths of °C per second.
    public var rampDeciCelsiusPerSecond: UInt16
    /// Maximum temperature, tenths of °C.
    public var maximumDeciCelsius: Int16
    /// Acquisition time (heating + hold, data recorded), milliseconds.
    public var acquisitionMilliseconds: UInt32
    /// Channels per glow curve (1…4096).
    public var channels: UInt16
    /// In-reader anneal temperature, tenths of °C.
    public var annealDeciCelsius: Int16
    /// In-reader anneal time, milliseconds.
    public var annealMilliseconds: UInt32

    public init(
        preheatDeciCelsius: Int16, preheatMilliseconds: UInt32, rampDeciCelsiusPerSecond: UInt16,
        maximumDeciCelsius: Int16, acquisitionMilliseconds: UInt32, channels: UInt16,
        annealDeciCelsius: Int16, annealMilliseconds: UInt32
    ) {
        self.preheatDeciCelsius = preheatDeciCelsius
        self.preheatMilliseconds = preheatMilliseconds
        self.rampDeciCelsiusPerSecond = rampDeciCelsiusPerSecond
        self.maximumDeciCelsius = maximumDeciCelsius
        self.acquisitionMilliseconds = acquisitionMilliseconds
        self.channels = channels
        self.annealDeciCelsius = annealDeciCelsius
        self.annealMilliseconds = annealMilliseconds
    }

    public var preheatCelsius: Double { Double(preheatDeciCelsius) / 10 }
    public var preheatSeconds: Double { Double(preheatMilliseconds) / 1000 }
    public var rampCelsiusPerSecond: Double { Double(rampDeciCelsiusPerSecond) / 10 }
    public var maximumCelsius: Double { Double(maximumDeciCelsius) / 10 }
    public var acquisitionSeconds: Double { Double(acquisitionMilliseconds) / 1000 }
    public var annealCelsius: Double { Double(annealDeciCelsius) / 10 }
    public var annealSeconds: Double { Double(annealMilliseconds) / 1000 }
}
