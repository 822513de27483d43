/// The natural and transport background of a shipment, measured with its control dosimeters
/// (unirradiated cards that travelled with the worn ones), as a dose rate since anneal.
///
/// The mean rate is subtracted from every card; the scatter of the controls' rates says how far a
/// card that received no dose can stray from that mean, which sets the detection limit
/// (``DetectionLimit``).
public struct BackgroundEstimate: Sendable, Hashable {
    /// Mean background dose per day since anneal (deep element, S-Cs-calibrated), clipped at zero.
    public var perDay: MilliSievert
    /// Sample standard deviation of the controls' rates (n − 1 in the denominator); nil with fewer
    /// than two controls.
    public var perDayStandardDeviation: MilliSievert?
    /// How many control dosimeters gave a rate.
    public var controlCount: Int

    public init(perDay: MilliSievert, perDayStandardDeviation: MilliSievert? = nil, controlCount: Int) {
        self.perDay = perDay
        self.perDayStandardDeviation = perDayStandardDeviation
        self.controlCount = controlCount
    }

    /// A known rate without a measured scatter (a configured or historical background).
    public init(knownPerDay: MilliSievert) {
        self.init(perDay: knownPerDay, perDayStandardDeviation: nil, controlCount: 0)
    }

    /// Mean and sample standard deviation of per-day rates (mSv/day). nil for an empty list.
    public static func from(ratesPerDay rates: [Double]) -> BackgroundEstimate? {
        guard !rates.isEmpty else { return nil }
        let n = Double(rates.count)
        let mean = rates.reduce(0, +) / n
        var sd: MilliSievert?
        if rates.count >= 2 {
            let ss = rates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            sd = MilliSievert((ss / (n - 1)).squareRoot())
        }
        return BackgroundEstimate(perDay: MilliSievert(max(0, mean)), perDayStandardDeviation: sd, controlCount: rates.count)
    }
}
