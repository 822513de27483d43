import ReaderProtocol

/// The heater's temperature against time for one read, from a time-temperature profile (PROTOCOL.md 5.2):
/// preheat hold (not recorded), then the acquisition: linear ramp from the preheat temperature at β up
/// to the maximum, then a hold at the maximum until the acquisition time is over.
public struct HeatingProfile: Sendable, Hashable {
    public let preheatKelvin: Double
    public let preheatSeconds: Double
    public let rampKelvinPerSecond: Double
    public let maxKelvin: Double
    public let acquisitionSeconds: Double
    public let channels: Int

    public init(_ p: TimeTemperatureProfile) {
        preheatKelvin = Double(p.preheatDeciCelsius) / 10 + 273.15
        preheatSeconds = Double(p.preheatMilliseconds) / 1000
        rampKelvinPerSecond = Double(p.rampDeciCelsiusPerSecond) / 10
        maxKelvin = Double(p.maxDeciCelsius) / 10 + 273.15
        acquisitionSeconds = Double(p.acquisitionMilliseconds) / 1000
        channels = Int(p.channels)
    }

    /// Preheat plus acquisition.
    public var totalSeconds: Double { preheatSeconds + acquisitionSeconds }
    public var channelSeconds: Double { acquisitionSeconds / Double(channels) }

    /// Heater temperature `seconds` after the start of the preheat.
    public func heaterKelvin(atSeconds t: Double) -> Double {
        if t < preheatSeconds { return preheatKelvin }
        let ramp = preheatKelvin + rampKelvinPerSecond * (t - preheatSeconds)
        return Swift.min(ramp, maxKelvin)
    }
}
