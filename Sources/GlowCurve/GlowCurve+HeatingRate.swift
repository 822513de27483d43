extension GlowCurve {
    /// The linear heating rate from the channel times (least-squares slope of T against t), K/s;
    /// nil when the curve has no times or they do not advance.
    public var heatingRateKelvinPerSecond: Double? {
        guard let time = timeSeconds, time.count >= 2 else { return nil }
        let n = Double(time.count)
        let mt = time.reduce(0, +) / n, mT = temperatureKelvin.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for (ti, Ti) in zip(time, temperatureKelvin) {
            sxy += (ti - mt) * (Ti - mT)
            sxx += (ti - mt) * (ti - mt)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        return slope > 0 ? slope : nil
    }
}
