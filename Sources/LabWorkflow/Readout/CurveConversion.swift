import Dosimetry
import GlowCurve
import LabStore

extension ElementCurve {
    /// The curve as the glow-curve core sees it: counts against temperature in kelvin.
    ///
    /// The reader's heater temperature is a measurement with noise, so on the hold at the maximum it
    /// may step back by a few tenths of a degree; channels are therefore sorted by temperature
    /// (`.sort`), which keeps every count with its own temperature and leaves a temperature-window
    /// integral unchanged. Time per channel is kept, so nothing of the heating record is lost.
    func glowCurve() throws(GlowCurveError) -> GlowCurve {
        let seconds = Double(channelMicroseconds) / 1_000_000
        return try GlowCurve(
            counts: counts.map(Double.init),
            temperatureCelsius: temperaturesDeciCelsius.map { Double($0) / 10 },
            timeSeconds: counts.indices.map { (Double($0) + 0.5) * seconds },
            order: .sort)
    }

    /// Dark counts expected per channel from the PMT dark rate measured before heating.
    var darkCountsPerChannel: Double {
        Double(pmtDarkCountsPerSecond) * Double(channelMicroseconds) / 1_000_000
    }
}
