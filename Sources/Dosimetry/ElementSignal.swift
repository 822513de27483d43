import GlowCurve

/// How the net signal of one element is taken from its glow curve.
public struct SignalEvaluation: Sendable, Hashable, Codable {
    /// The dosimetric region of interest (kelvin).
    public var roi: RegionOfInterestSetting
    public init(roi: RegionOfInterestSetting) { self.roi = roi }

    /// LiF:Mg,Ti at 10 °C/s after a 50 °C preheat: peaks 4 and 5 (about 150–280 °C) with margin up to
    /// the end of the heating ramp at 300 °C. Peaks 2–3 fade within days to weeks and are excluded.
    public static let lifMgTiDefault = SignalEvaluation(roi: RegionOfInterestSetting(lowerCelsius: 220, upperCelsius: 300))

    /// Net signal = counts in the ROI − dark counts expected in the ROI's channels.
    /// - Parameter darkCountsPerChannel: the PMT dark-count rate times the channel time.
    public func netSignal(of curve: GlowCurve, darkCountsPerChannel: Double) -> NetSignal {
        netSignal(of: curve, darkCountsPerChannel: darkCountsPerChannel, in: roi)
    }

    /// Net signal in another window of the curve (the thermal history's low-temperature window).
    public func netSignal(of curve: GlowCurve, darkCountsPerChannel: Double, in window: RegionOfInterestSetting) -> NetSignal {
        let region = window.region
        let gross = curve.integral(over: region)
        let channels = curve.channelCount(in: region)
        let dark = darkCountsPerChannel * Double(channels)
        return NetSignal(grossCounts: gross, darkCounts: dark, channels: channels)
    }
}

/// Codable ROI in °C (the unit a lab states it in).
public struct RegionOfInterestSetting: Sendable, Hashable, Codable {
    public var lowerCelsius: Double
    public var upperCelsius: Double
    public init(lowerCelsius: Double, upperCelsius: Double) {
        self.lowerCelsius = lowerCelsius
        self.upperCelsius = upperCelsius
    }
    public var region: RegionOfInterest { RegionOfInterest(lowerCelsius: lowerCelsius, upperCelsius: upperCelsius) }
}

/// The net light of one element in its ROI, with the parts it came from.
public struct NetSignal: Sendable, Hashable, Codable {
    public var grossCounts: Double
    public var darkCounts: Double
    public var channels: Int
    public var netCounts: Double { grossCounts - darkCounts }
    /// Poisson standard deviation of the net counts (gross and dark both counted).
    public var standardDeviationCounts: Double { (max(grossCounts, 0) + max(darkCounts, 0)).squareRoot() }
    public init(grossCounts: Double, darkCounts: Double, channels: Int) {
        self.grossCounts = grossCounts
        self.darkCounts = darkCounts
        self.channels = channels
    }
}
